// Lint: syntax rules (no type information, so the whole tree lints in seconds) plus the
// house rules of docs/architecture.md as import boundaries (eslint/plugin.mjs).
// `npm run lint`; part of `npm run verify`, the first step of `npm test`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import local from "./eslint/plugin.mjs";

/** The pure modules of lib/ that the emulator and the simulator share with the console. */
export const SHARED_LIB = ["lib/env/**", "lib/fleet-query/**", "lib/fs/**", "lib/json/**", "lib/shadow-document/**"];

const CONSOLE = ["app/**", "components/**", "lib/**", "proxy.ts", "instrumentation.ts", "next.config.ts"];
const TESTS = ["**/*.test.ts", "**/*.test.tsx", "tests/**", "e2e/**"];

/** Server modules: `import "server-only"` first, but for these (and why). */
export const SERVER_ONLY_EXCEPTIONS = {
  "lib/db/console-db.ts": "opened by scripts/users.ts, the bench and instrumentation.ts, outside Next's server layer",
  "lib/auth/first-admin.ts": "run by instrumentation.ts",
  "lib/auth/sessions.ts": "used by scripts/bench.ts (sessions for the load test)",
  "lib/auth/signin-limits.ts": "used by scripts/users.ts (unlock)",
  "lib/auth/users.ts": "used by scripts/users.ts",
  "lib/auth/password.ts": "used by scripts/users.ts (hashing)",
  "lib/auth/common-passwords.ts": "pure data, used by password.ts",
  "lib/auth/cookie.ts": "pure constants, read by proxy.ts",
  "lib/auth/permissions.ts": "pure, the permission table the UI also reads",
  "lib/auth/signin-messages.ts": "pure, messages shown by client forms",
  "lib/auth/next-path.ts": "pure, the same-site redirect check",
  "lib/auth/oidc-config.ts": "pure parsing of the OIDC settings",
};

export default tseslint.config(
  {
    ignores: ["node_modules/**", ".next/**", ".data*/**", "test-results/**", "playwright-report/**", "bench/**", "next-env.d.ts", "**/*.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
    rules: {
      // Intentional: input checks match control characters to refuse them.
      "no-control-regex": "off",
      // Flags `let x = default; try { x = … }` and released references; more noise than finds here.
      "no-useless-assignment": "off",
      // TypeScript checks these itself (tsc --noEmit is part of verify); the JS versions misfire on types.
      "no-undef": "off",
      "no-redeclare": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    // Tests poke at wire shapes and mocks.
    files: TESTS,
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    plugins: { local },
    rules: {
      "local/import-boundaries": [
        "error",
        {
          zones: [
            {
              name: "AWS SDK",
              from: ["**"],
              except: ["lib/aws/**", "emulator/**", "simulator/**", "scripts/**", ...TESTS],
              packages: ["@aws-sdk/**", "@smithy/**"],
              message: "Only lib/aws/ talks to AWS (and the emulator, the simulator, scripts and tests, which need a client).",
            },
            {
              name: "console",
              from: CONSOLE,
              except: TESTS,
              paths: ["emulator/**", "simulator/**", "scripts/**", "tests/**", "e2e/**"],
              message: "The console never imports the emulator, the simulator, scripts or tests; shared code lives in a pure module of lib/.",
            },
            {
              name: "emulator/simulator",
              from: ["emulator/**", "simulator/**"],
              paths: ["lib/**", "app/**", "components/**"],
              allowPaths: SHARED_LIB,
              message: `They import only the shared pure modules of lib/ (${SHARED_LIB.join(", ")}); add a module to that list in eslint.config.mjs only if it has no server or browser dependency.`,
            },
            {
              name: "shared lib",
              from: SHARED_LIB,
              except: TESTS,
              paths: ["lib/**", "app/**", "components/**", "emulator/**", "simulator/**"],
              allowPaths: SHARED_LIB,
              packages: ["next", "next/**", "react", "react/**", "react-dom", "server-only", "@tanstack/**", "better-sqlite3"],
              message: "A shared module of lib/ is pure: it imports only other shared modules, zod and Node built-ins.",
            },
            {
              name: "simulator",
              from: ["simulator/**"],
              except: TESTS,
              paths: ["emulator/**", "scripts/**"],
              message: "The simulator is a client of the emulator (or of AWS IoT) over the wire, never in-process; shared rules live in lib/.",
            },
            {
              name: "emulator",
              from: ["emulator/**"],
              except: TESTS,
              paths: ["simulator/**", "scripts/**"],
              message: "The emulator stands alone: the simulator and scripts are its clients.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    plugins: { local },
    rules: {
      "local/no-server-import-in-client": [
        "error",
        {
          packages: ["server-only", "next/headers", "next/server", "better-sqlite3", "openid-client", "@aws-sdk/**", "@peculiar/x509"],
          paths: ["lib/aws/**", "lib/db/**", "lib/actions/**", "lib/config.ts", "lib/env/**", "emulator/**", "simulator/**"],
        },
      ],
    },
  },
  {
    files: ["lib/aws/**/*.ts", "lib/db/**/*.ts", "lib/auth/**/*.ts", "lib/actions/**/*.ts", "lib/config.ts"],
    ignores: TESTS,
    plugins: { local },
    rules: { "local/server-only-marker": ["error", { exceptions: SERVER_ONLY_EXCEPTIONS }] },
  },
  {
    // One reader of the environment: lib/env (validated, typed, documented).
    files: ["**/*.{ts,tsx,mjs}"],
    ignores: ["lib/env/**", "scripts/**", "*.config.{ts,mjs}", ...TESTS],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env (readEnv / loadEnv): typed, validated, documented." },
      ],
    },
  },
  {
    // Scripts launch the other programs: they may hand process.env on to children, but read through lib/env.
    files: ["scripts/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.object.name='process'][object.property.name='env'][parent.type!='AssignmentExpression']",
          message: "Read configuration through lib/env (readEnv / loadEnv); scripts may only set process.env or pass it on.",
        },
      ],
    },
  },
);
