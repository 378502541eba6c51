// Lives at src/ root so that './cli-commands.js' resolves the same from src/ and from dist/cli.js.
export const loadCliCommands = () => import(/* webpackIgnore: true */ './cli-commands.js');
