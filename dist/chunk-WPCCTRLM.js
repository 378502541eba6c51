import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
import{a as r,b as i}from"./chunk-ZUEF5N5C.js";var o=i((p,e)=>{e.exports=r("node:fs")});export{o as a};
