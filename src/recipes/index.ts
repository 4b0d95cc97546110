/**
 * @module recipes
 * Recipe schema, loading from YAML/JSON with located errors, content hashing and compilation of
 * every expression a recipe version holds.
 */
export * from './types.js';
export { parseRecipe } from './parse.js';
export { validateRecipe } from './validate.js';
export { recipeHash, canonicalJson } from './hash.js';
export { compileRecipe, registerRecipeExpander, CORE_ACTIONS, type CompiledRecipe, type CompiledStep, type DedupKey, type DedupInput } from './compile.js';
export { RecipeSchema, StepSchema } from './schema.js';
export { SECRET_MARKER, secretPaths, mapSecrets, restoreMarkers, hideSecrets, isMarker, pathText } from './secrets.js';
