import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
import{a}from"./chunk-4XFYBJXN.js";import"./chunk-ZUEF5N5C.js";export default a();
