import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);
function c(n){return`${JSON.stringify(u(n),null,2)}
`}function d(n){return l(u(n))}function u(n){return{formatVersion:n.formatVersion,planId:n.planId,owner:n.owner,accountId:n.accountId,bindingsFile:n.bindingsFile,summary:n.summary,warnings:n.warnings,changes:n.changes,...n.restarts?{restarts:n.restarts}:{},...n.roleUsage?{roleUsage:n.roleUsage}:{}}}function*l(n){let o=(t,e)=>JSON.stringify(t,null,2)?.replace(/\n/g,`
${e}`),r=!0;for(let t of Object.keys(n)){let e=n[t],i=`${r?`{
`:`,
`}  ${JSON.stringify(t)}: `;if(Array.isArray(e)&&e.length>0&&typeof e.toJSON!="function"){r=!1,yield`${i}[
`;for(let s=0;s<e.length;s++)yield`${s>0?`,
`:""}    ${o(e[s],"    ")??"null"}`;yield`
  ]`;continue}let a=o(e,"  ");a!==void 0&&(r=!1,yield`${i}${a}`)}yield r?`{}
`:`
}
`}export{c as a,d as b};
