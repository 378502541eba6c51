// Kept equal to package.json's version by a test (importing package.json would bundle all of it).
export const VERSION = '0.1.0';
