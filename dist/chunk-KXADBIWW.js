import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
function s(n){return typeof n=="object"&&n!==null&&typeof n.message=="string"?n.message:typeof n=="string"?n:JSON.stringify(n)??String(n)}export{s as a};
