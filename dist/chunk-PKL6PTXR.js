import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
import{a as e,k as o}from"./chunk-TTDQFEBN.js";var i=9e5;async function s(r){if(!process.env.GITHUB_STEP_SUMMARY){o("No job summary file (GITHUB_STEP_SUMMARY is not set); the Markdown follows in the log."),o(r);return}await e.addRaw(r,!0).write()}export{i as a,s as b};
