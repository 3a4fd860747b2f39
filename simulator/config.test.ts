import { describe, expect, it } from "vitest";
import { jobSettingsFromEnv, shadowSettingsFromEnv, simulatorConfigFromEnv } from "./config";
import { DEFAULT_SHADOW_SETTINGS } from "./agent-shadow";

describe("shadow settings from the environment", () => {
  it("defaults to a few seconds to apply, minutes of lag and a small misbehaving share", () => {
    expect(simulatorConfigFromEnv({} as NodeJS.ProcessEnv).shadows).toEqual(DEFAULT_SHADOW_SETTINGS);
    expect(DEFAULT_SHADOW_SETTINGS).toEqual({
      applyDelayMs: 3000,
      lagDelayMs: 300_000,
      lagPercent: 5,
      failPercent: 2,
      ignorePercent: 3,
      healthIntervalMs: 600_000,
    });
  });

  it("reads each variable, in its unit, and allows 0 to switch each off", () => {
    const env = {
      SHADOW_APPLY_DELAY_MS: "0",
      SHADOW_LAG_MINUTES: "0.5",
      SHADOW_LAG_PERCENT: "0",
      SHADOW_FAIL_PERCENT: "0",
      SHADOW_IGNORE_PERCENT: "0",
      SHADOW_HEALTH_MINUTES: "0",
    };
    expect(shadowSettingsFromEnv(env)).toEqual({ applyDelayMs: 0, lagDelayMs: 30_000, lagPercent: 0, failPercent: 0, ignorePercent: 0, healthIntervalMs: 0 });
  });

  it("refuses shares above 100 percent, alone or together, and negative numbers", () => {
    expect(() => shadowSettingsFromEnv({ SHADOW_FAIL_PERCENT: "101" })).toThrow(/SHADOW_FAIL_PERCENT/);
    expect(() => shadowSettingsFromEnv({ SHADOW_LAG_PERCENT: "60", SHADOW_IGNORE_PERCENT: "50" })).toThrow(/may not exceed 100/);
    expect(() => shadowSettingsFromEnv({ SHADOW_APPLY_DELAY_MS: "-1" })).toThrow();
  });
});

describe("job settings from the environment", () => {
  it("defaults to 1% failed downloads, 1% failed installs, no hangs and 90% failures of a bad build", () => {
    const s = jobSettingsFromEnv({});
    expect(s).toMatchObject({ downloadFailPercent: 1, installFailPercent: 1, hangPercent: 0, badBuildVersions: [], badBuildFailPercent: 90 });
    expect(simulatorConfigFromEnv({} as NodeJS.ProcessEnv).jobs).toEqual(s);
  });

  it("reads each share and the bad builds", () => {
    const s = jobSettingsFromEnv({
      AGENT_DOWNLOAD_FAIL_PERCENT: "5",
      AGENT_INSTALL_FAIL_PERCENT: "0",
      AGENT_JOB_HANG_PERCENT: "2.5",
      AGENT_BAD_BUILD_VERSIONS: "7.3.1, 7.4.0-rc1,",
      AGENT_BAD_BUILD_FAIL_PERCENT: "100",
    });
    expect(s).toMatchObject({
      downloadFailPercent: 5,
      installFailPercent: 0,
      hangPercent: 2.5,
      badBuildVersions: ["7.3.1", "7.4.0-rc1"],
      badBuildFailPercent: 100,
    });
  });

  it("refuses shares above 100 percent, alone or together", () => {
    expect(() => jobSettingsFromEnv({ AGENT_JOB_HANG_PERCENT: "101" })).toThrow(/AGENT_JOB_HANG_PERCENT/);
    expect(() => jobSettingsFromEnv({ AGENT_DOWNLOAD_FAIL_PERCENT: "60", AGENT_INSTALL_FAIL_PERCENT: "50" })).toThrow(/may not exceed 100/);
  });
});
