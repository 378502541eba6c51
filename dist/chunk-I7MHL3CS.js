import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
import{execFile as d}from"node:child_process";import{basename as a,dirname as s}from"node:path";function c(r,t){let e=`${r}:./${a(t)}`;return new Promise((i,f)=>{d("git",["show",e],{cwd:s(t),maxBuffer:64*1024*1024,encoding:"utf8"},(n,u,o)=>{if(!n)return i({found:!0,text:u});if(/does not exist in|exists on disk, but not in/.test(o))return i({found:!1});let m=o.trim().split(`
`)[0]||n.message;f(new Error(`git show ${e} failed in ${s(t)}: ${m}`))})})}export{c as a};
