import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
import{b as n}from"./chunk-QOOEHIV7.js";function i(r,d){return{pre:e=>(e.setHeaderParam(r,d),n(e)),post:e=>n(e)}}function l(r,d,e){let t=i(r,d),a=e?.middleware||[];return{...e,middleware:a.concat(t),middlewareMergeStrategy:"append"}}export{i as a,l as b};
