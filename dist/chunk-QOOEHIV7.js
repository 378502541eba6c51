import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
var e=class r{constructor(t){this.promise=t}toPromise(){return this.promise}pipe(t){return new r(this.promise.then(t))}};function o(r){return new e(r)}function n(r){return new e(Promise.resolve(r))}export{o as a,n as b};
