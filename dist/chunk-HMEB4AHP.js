import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
var a={JsonPatch:"application/json-patch+json",MergePatch:"application/merge-patch+json",StrategicMergePatch:"application/strategic-merge-patch+json",ServerSideApply:"application/apply-patch+yaml"};export{a};
