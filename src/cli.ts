#!/usr/bin/env node
console.log('workload-identity');
