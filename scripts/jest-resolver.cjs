// jest's resolver: the default one, except that src/bindings/schema.ts gets the precompiled schema
// validators (scripts/jest-schemas.mjs) for ./schema-compiler.js, as the bundle does.
const root = __dirname.replace(/[\\/]scripts$/, '');
const bindingsDir = `${root}/src/bindings`;
const precompiled = `${root}/node_modules/.cache/wib-jest/schema-validators.mjs`;

module.exports = (request, options) =>
  options.basedir === bindingsDir && /^\.\/schema-compiler(\.js)?$/.test(request)
    ? precompiled
    : options.defaultResolver(request, options);
