import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
var r="https://api.cpln.io";function t(n){let e=(n??"").trim().replace(/^bearer\s+/i,"").trim();return e===""?void 0:e}export{r as a,t as b};
