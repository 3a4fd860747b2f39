import { z } from "zod";

/**
 * Every environment variable the console, the emulator, the simulator and the scripts
 * read, in one place: type, default, and a clear error naming the variable. Pure (zod
 * only) so the emulator and the simulator import it too. The only module that reads
 * `process.env` (eslint.config.mjs enforces it); callers name the variables they need:
 *
 *   const { SESSION_IDLE_MINUTES } = readEnv(["SESSION_IDLE_MINUTES"], env);
 *
 * An empty value means "not set" (`.env.example` lists every variable with an empty or
 * default value). `.env.example` and the README's configuration table list every
 * variable below except INTERNAL ones (lib/env/env.test.ts keeps them in step).
 */
export type RawEnv = Readonly<Record<string, string | undefined>>;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = (fallback: string) => z.string().trim().default(fallback);
const optionalText = () => z.string().optional();
/** A number in a range; `above`: strictly greater than `min`. */
const numeric = (fallback: number, o: { min?: number; max?: number; whole?: boolean; above?: boolean; what?: string } = {}) => {
  const { min = 0, max = Number.POSITIVE_INFINITY, whole = false, above = false } = o;
  const kind = o.what ?? (whole ? "a whole number" : "a number");
  const range = max < Number.POSITIVE_INFINITY ? ` from ${min} to ${max}` : above ? ` above ${min}` : ` of ${min} or more`;
  return z.coerce
    .number({ error: `must be ${kind}` })
    .refine((n) => Number.isFinite(n) && (!whole || Number.isInteger(n)) && (above ? n > min : n >= min) && n <= max, { error: `must be ${kind}${range}` })
    .default(fallback);
};
const wholeNumber = (fallback: number, min = 0, max?: number) => numeric(fallback, { min, max, whole: true });
const number = (fallback: number) => numeric(fallback);
const positive = (fallback: number) => numeric(fallback, { above: true });
const port = (fallback: number) => numeric(fallback, { max: 65_535, whole: true, what: "a port number" });
const percent = (fallback: number) => numeric(fallback, { max: 100, what: "a percentage" });
/** Comma-separated, blanks dropped. */
const list = () =>
  z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    );
const url = () => z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional();

const SCHEMA = {
  // Backend
  FLEET_BACKEND: z.preprocess(
    (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
    z.enum(["local", "aws"], { error: 'must be "local" or "aws"' }).default("local"),
  ),
  AWS_REGION: optionalText(),
  /** The SDK's older name; AWS_REGION wins (see `awsRegion`). */
  AWS_DEFAULT_REGION: optionalText(),

  // Console
  PORT: port(3000),
  CONSOLE_HOST: text("127.0.0.1"),
  CONSOLE_PUBLIC_URL: url(),
  TRUST_PROXY_HOPS: wholeNumber(0, 0, 99),
  CONSOLE_DB_PATH: optionalText(),
  DATA_DIR: text("./.data"),

  // Emulator
  EMULATOR_HOST: text("127.0.0.1"),
  EMULATOR_HTTP_PORT: port(4566),
  EMULATOR_MQTT_PORT: port(1883),
  EMULATOR_ACCOUNT_ID: z
    .string()
    .trim()
    .regex(/^\d{12}$/, { error: "must be 12 digits" })
    .default("000000000000"),
  EMULATOR_ALLOWED_ORIGINS: list(),
  EMULATOR_ALLOWED_HOSTS: list(),
  EMULATOR_INDEX_SETTLE_MS: wholeNumber(500),
  EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS: number(300),
  /** "1": one line per AWS request (operation, status, ms, region). */
  EMULATOR_LOG_REQUESTS: z.enum(["0", "1"], { error: 'must be "0" or "1"' }).default("0"),

  // Simulated fleet
  FLEET_SIZE: wholeNumber(2000),
  FLEET_CHURN_PERCENT: percent(2),
  FLEET_SEED: number(1),
  SHADOW_APPLY_DELAY_MS: number(3000),
  SHADOW_LAG_PERCENT: percent(5),
  SHADOW_LAG_MINUTES: number(5),
  SHADOW_FAIL_PERCENT: percent(2),
  SHADOW_IGNORE_PERCENT: percent(3),
  SHADOW_HEALTH_MINUTES: number(10),
  AGENT_DOWNLOAD_FAIL_PERCENT: percent(1),
  AGENT_INSTALL_FAIL_PERCENT: percent(1),
  AGENT_JOB_HANG_PERCENT: percent(0),
  AGENT_BAD_BUILD_VERSIONS: list(),
  AGENT_BAD_BUILD_FAIL_PERCENT: percent(90),

  // Sign-in and sessions
  ADMIN_USERNAME: text("admin"),
  ADMIN_PASSWORD: optionalText(),
  SESSION_IDLE_MINUTES: positive(30),
  SESSION_ABSOLUTE_HOURS: positive(12),
  SIGNIN_WINDOW_MINUTES: positive(15),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: wholeNumber(5, 1),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: wholeNumber(20, 1),
  OIDC_ISSUER: optionalText(),
  OIDC_CLIENT_ID: optionalText(),
  OIDC_CLIENT_SECRET: optionalText(),
  OIDC_ROLE_CLAIM: text("groups"),
  OIDC_ROLE_MAP: z.string().default(""),
  OIDC_LABEL: text("Single sign-on"),
  OIDC_SCOPES: text("openid profile email"),

  // Call budgets of the console
  FLEET_INDEX_RPS: positive(10),
  FLEET_INDEX_CACHE_MS: wholeNumber(5000),
  DRIFT_MAX_THINGS: wholeNumber(5000, 1),
  DRIFT_SNAPSHOT_TTL_MS: wholeNumber(15_000),

  // Rollouts (new-rollout wizard)
  /** The S3 bucket the wizard uploads agent artifacts to (created on first upload against the emulator). */
  JOBS_ARTIFACT_BUCKET: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-')" })
    .default("fleet-artifacts"),
  /** The IAM role AWS IoT assumes to presign artifact URLs (presignedUrlConfig.roleArn); any ARN works locally. */
  JOBS_PRESIGN_ROLE_ARN: z
    .string()
    .trim()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: "must be an IAM role ARN" })
    .optional(),

  // Set by the runtime or by our own launchers, never by an operator
  NODE_ENV: optionalText(),
  NEXT_RUNTIME: optionalText(),
  NEXT_PHASE: optionalText(),
  FC_PEER_ADDRESS_HEADER: optionalText(),
} satisfies Record<string, z.ZodType>;

type Schema = typeof SCHEMA;
export type EnvName = keyof Schema;
export type Env = { [K in EnvName]: z.output<Schema[K]> };

export const ENV_NAMES = Object.keys(SCHEMA) as EnvName[];

/** Not for operators (runtime-set, launcher-set, or test knobs): left out of .env.example and the README. */
export const INTERNAL: ReadonlySet<EnvName> = new Set<EnvName>([
  "AWS_DEFAULT_REGION",
  "NODE_ENV",
  "NEXT_RUNTIME",
  "NEXT_PHASE",
  "FC_PEER_ADDRESS_HEADER",
  "EMULATOR_INDEX_SETTLE_MS",
  "EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS",
]);

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join("; ")}`);
    this.name = "EnvError";
  }
}

/** The named variables of `source` (default: this process's environment), parsed; throws EnvError naming every bad one. */
export function readEnv<K extends EnvName>(names: readonly K[], source: RawEnv = process.env): Pick<Env, K> {
  const out = {} as Record<EnvName, unknown>;
  const problems: string[] = [];
  for (const name of names) {
    const raw = source[name];
    const parsed = (SCHEMA[name] as z.ZodType).safeParse(blank(raw));
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${name} ${parsed.error.issues[0]?.message ?? "is invalid"}, got "${raw}"`);
  }
  if (problems.length > 0) throw new EnvError(problems);
  return out as Pick<Env, K>;
}

/** Every variable at once: for start-up, so a bad value stops the process before it serves anything. */
export function loadEnv(source: RawEnv = process.env): Env {
  return readEnv(ENV_NAMES, source);
}

/** The region: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1. */
export function awsRegion(source?: RawEnv): string {
  const e = readEnv(["AWS_REGION", "AWS_DEFAULT_REGION"], source);
  return e.AWS_REGION?.trim() || e.AWS_DEFAULT_REGION?.trim() || "us-east-1";
}

/** The default of a variable, as the docs should show it (undefined: none). */
export function envDefault(name: EnvName): unknown {
  return readEnv([name], {})[name];
}
