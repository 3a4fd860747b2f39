import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { awsRegion, ENV_NAMES, envDefault, EnvError, INTERNAL, loadEnv, readEnv } from "./index";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the environment module", () => {
  it("gives the documented defaults for an empty environment, and treats blank values as unset", () => {
    const env = loadEnv({});
    expect(env.FLEET_BACKEND).toBe("local");
    expect(env.PORT).toBe(3000);
    expect(env.EMULATOR_HTTP_PORT).toBe(4566);
    expect(env.DATA_DIR).toBe("./.data");
    expect(env.EMULATOR_ALLOWED_ORIGINS).toEqual([]);
    expect(env.ADMIN_PASSWORD).toBeUndefined();
    expect(readEnv(["PORT", "ADMIN_USERNAME"], { PORT: "", ADMIN_USERNAME: "  " })).toEqual({ PORT: 3000, ADMIN_USERNAME: "admin" });
  });

  it("parses types: numbers, lists, the backend in any case", () => {
    expect(
      readEnv(["PORT", "SHADOW_LAG_MINUTES", "EMULATOR_ALLOWED_HOSTS", "FLEET_BACKEND"], {
        PORT: " 8080 ",
        SHADOW_LAG_MINUTES: "0.5",
        EMULATOR_ALLOWED_HOSTS: "a.example, b.example,,",
        FLEET_BACKEND: "AWS",
      }),
    ).toEqual({
      PORT: 8080,
      SHADOW_LAG_MINUTES: 0.5,
      EMULATOR_ALLOWED_HOSTS: ["a.example", "b.example"],
      FLEET_BACKEND: "aws",
    });
    expect(awsRegion({})).toBe("us-east-1");
    expect(awsRegion({ AWS_DEFAULT_REGION: "eu-west-1" })).toBe("eu-west-1");
    expect(awsRegion({ AWS_REGION: "eu-central-1", AWS_DEFAULT_REGION: "eu-west-1" })).toBe("eu-central-1");
  });

  it("names the variable, the rule and the value it refuses, every bad one at once", () => {
    expect(() => readEnv(["PORT"], { PORT: "http" })).toThrow('PORT must be a port number, got "http"');
    expect(() => readEnv(["EMULATOR_MQTT_PORT"], { EMULATOR_MQTT_PORT: "70000" })).toThrow(/EMULATOR_MQTT_PORT must be a port number from 0 to 65535/);
    expect(() => readEnv(["FLEET_BACKEND"], { FLEET_BACKEND: "gcp" })).toThrow(/FLEET_BACKEND must be "local" or "aws", got "gcp"/);
    expect(() => readEnv(["SHADOW_FAIL_PERCENT"], { SHADOW_FAIL_PERCENT: "101" })).toThrow(/SHADOW_FAIL_PERCENT must be a percentage from 0 to 100/);
    expect(() => readEnv(["SESSION_IDLE_MINUTES"], { SESSION_IDLE_MINUTES: "0" })).toThrow(/SESSION_IDLE_MINUTES must be a number above 0/);
    expect(() => readEnv(["SIGNIN_MAX_FAILURES_PER_ACCOUNT"], { SIGNIN_MAX_FAILURES_PER_ACCOUNT: "2.5" })).toThrow(
      /SIGNIN_MAX_FAILURES_PER_ACCOUNT must be a whole number/,
    );
    expect(() => readEnv(["CONSOLE_PUBLIC_URL"], { CONSOLE_PUBLIC_URL: "fleet.example.com" })).toThrow(/CONSOLE_PUBLIC_URL must be an http\(s\) URL/);
    expect(() => readEnv(["EMULATOR_ACCOUNT_ID"], { EMULATOR_ACCOUNT_ID: "123" })).toThrow(/EMULATOR_ACCOUNT_ID must be 12 digits/);
    let err: unknown;
    try {
      loadEnv({ PORT: "x", TRUST_PROXY_HOPS: "-1", FLEET_SIZE: "many" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).problems.map((p) => p.split(" ")[0])).toEqual(["PORT", "TRUST_PROXY_HOPS", "FLEET_SIZE"]);
  });
});

describe(".env.example and the README list every variable", () => {
  const example = readFileSync(join(ROOT, ".env.example"), "utf8");
  const exampleValues = new Map([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const config = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
  const documented = ENV_NAMES.filter((n) => !INTERNAL.has(n));

  it("in .env.example, with the default as its value", () => {
    expect(documented.filter((n) => !exampleValues.has(n))).toEqual([]);
    for (const name of documented) {
      const d = envDefault(name);
      const shown = d === undefined ? "" : Array.isArray(d) ? d.join(",") : String(d);
      // AWS_REGION has no schema default (awsRegion falls back to AWS_DEFAULT_REGION, then us-east-1).
      if (name === "AWS_REGION") expect(exampleValues.get(name)).toBe(awsRegion({}));
      else expect(exampleValues.get(name), name).toBe(shown);
    }
  });

  it("in the README's configuration table", () => {
    expect(documented.filter((n) => !config.includes(`\`${n}\``))).toEqual([]);
  });

  it("and nothing the module does not know", () => {
    const unknown = [...exampleValues.keys()].filter((n) => !(ENV_NAMES as string[]).includes(n));
    expect(unknown).toEqual([]);
  });
});
