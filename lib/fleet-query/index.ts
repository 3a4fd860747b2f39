/**
 * The fleet-indexing query language: one module for the console (validation,
 * highlighting, autocomplete) and the emulator (running queries). No dependencies.
 */
export * from "./ast";
export { parseQuery, MAX_NESTING } from "./parse";
export { tokenize, type Token, type TokenKind } from "./tokens";
export { completionContext, type CompletionContext } from "./completion";
export { termsOf, describeError, formatQuery } from "./format";
export { parseJsonNumber, wildcardToRegExp } from "./values";
