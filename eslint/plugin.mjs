// The house rules of docs/architecture.md that a generic linter cannot say: which part
// of the tree may import which, and which files must carry the `server-only` marker.
// Syntax only (no type information), so the whole tree lints in seconds.
import { builtinModules } from "node:module";
import { directiveOf, head, matchesAny, repoPath, resolveImport, startsWithServerOnly } from "./resolve.mjs";

const BUILTINS = new Set(builtinModules);
const isBuiltin = (pkg) => pkg.startsWith("node:") || BUILTINS.has(pkg.split("/")[0]);

/** Every module specifier of a file, with whether it is erased at compile time (type-only). */
function onImport(callback) {
  const fromDeclaration = (node) => {
    if (!node.source || typeof node.source.value !== "string") return;
    const typeOnly =
      node.importKind === "type" ||
      node.exportKind === "type" ||
      (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === "type" || s.exportKind === "type"));
    callback(node.source, node.source.value, typeOnly);
  };
  return {
    ImportDeclaration: fromDeclaration,
    ExportNamedDeclaration: fromDeclaration,
    ExportAllDeclaration: fromDeclaration,
    ImportExpression(node) {
      if (node.source.type === "Literal" && typeof node.source.value === "string") callback(node.source, node.source.value, false);
    },
    CallExpression(node) {
      const [arg] = node.arguments;
      if (node.callee.type === "Identifier" && node.callee.name === "require" && arg?.type === "Literal" && typeof arg.value === "string")
        callback(arg, arg.value, false);
    },
    TSImportType(node) {
      const arg = node.argument?.literal ?? node.argument;
      if (arg?.type === "Literal" && typeof arg.value === "string") callback(arg, arg.value, true);
    },
  };
}

/**
 * options: { zones: [{ name, from: globs, except?: globs, packages?: globs, paths?: globs, allowPaths?: globs, message }] }
 * A file in `from` (and not in `except`) may not import a package matching `packages` nor a
 * repository file matching `paths` unless it matches `allowPaths`. Type-only imports count:
 * a layer's types are part of its surface.
 */
const importBoundaries = {
  meta: {
    type: "problem",
    docs: { description: "Import boundaries between the console, lib/aws, the emulator and the simulator (docs/architecture.md)" },
    schema: [{ type: "object", properties: { zones: { type: "array" } }, additionalProperties: false }],
    messages: { boundary: "{{zone}}: {{target}} may not be imported here. {{why}}" },
  },
  create(context) {
    const file = repoPath(context.filename);
    const zones = (context.options[0]?.zones ?? []).filter((z) => matchesAny(file, z.from) && !matchesAny(file, z.except ?? []));
    if (zones.length === 0) return {};
    return onImport((node, specifier) => {
      const target = resolveImport(context.filename, specifier);
      for (const zone of zones) {
        const hit =
          target.pkg !== undefined
            ? matchesAny(target.pkg, zone.packages ?? [])
            : matchesAny(target.file, zone.paths ?? []) && !matchesAny(target.file, zone.allowPaths ?? []);
        if (hit) context.report({ node, messageId: "boundary", data: { zone: zone.name, target: specifier, why: zone.message } });
      }
    });
  },
};

/**
 * A client component ("use client") is shipped to the browser, so nothing it imports may
 * be a server module: a package in `packages`, a Node built-in, a file under `paths`, or a
 * file whose first statement is `import "server-only"`. Server actions ("use server"
 * files) are the exception Next.js makes: the client gets a reference, not the code.
 * Type-only imports are erased and allowed.
 */
const noServerImportInClient = {
  meta: {
    type: "problem",
    docs: { description: "Client components never import server modules" },
    schema: [{ type: "object", properties: { packages: { type: "array" }, paths: { type: "array" } }, additionalProperties: false }],
    messages: {
      server:
        'Client component imports the server module {{target}} ({{why}}). Move the server work behind a server action or a route, or import only its types ("import type").',
    },
  },
  create(context) {
    if (directiveOf(context.sourceCode.text) !== "use client") return {};
    const { packages = [], paths = [] } = context.options[0] ?? {};
    return onImport((node, specifier, typeOnly) => {
      if (typeOnly) return;
      const target = resolveImport(context.filename, specifier);
      let why = null;
      if (target.pkg !== undefined) {
        if (isBuiltin(target.pkg)) why = "a Node.js built-in";
        else if (matchesAny(target.pkg, packages)) why = "a server-only package";
      } else if (!target.missing) {
        const text = head(target.file);
        if (directiveOf(text) === "use server") return;
        if (matchesAny(target.file, paths)) why = "in a server-only folder";
        else if (startsWithServerOnly(text)) why = 'it starts with import "server-only"';
      }
      if (why) context.report({ node, messageId: "server", data: { target: specifier, why } });
    });
  },
};

/**
 * Server modules start with `import "server-only"` so that a client component importing
 * one (even indirectly) fails the build. options: { exceptions: { [repoPath]: reason } }
 * for files that must also load outside Next's server layer (scripts, instrumentation)
 * or are pure and shared with client components.
 */
const serverOnlyMarker = {
  meta: {
    type: "problem",
    docs: { description: 'Server modules start with import "server-only"' },
    schema: [{ type: "object", properties: { exceptions: { type: "object" } }, additionalProperties: false }],
    messages: {
      missing:
        'Server module without `import "server-only"` as its first statement (after "use server"). If it must load outside Next (scripts, instrumentation) or is pure, list it in the exceptions of eslint.config.mjs with the reason.',
    },
  },
  create(context) {
    const file = repoPath(context.filename);
    if (Object.hasOwn(context.options[0]?.exceptions ?? {}, file)) return {};
    return {
      Program(node) {
        if (!startsWithServerOnly(context.sourceCode.text)) context.report({ node, loc: { line: 1, column: 0 }, messageId: "missing" });
      },
    };
  },
};

export default {
  meta: { name: "fleet-console-local" },
  rules: {
    "import-boundaries": importBoundaries,
    "no-server-import-in-client": noServerImportInClient,
    "server-only-marker": serverOnlyMarker,
  },
};
