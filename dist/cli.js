#!/usr/bin/env node
var o={};console.log("workload-identity");