/**
 * Fleet-search figures for `npm run bench` (section "search"): a large fleet written
 * with seed:large into a temporary folder, an emulator started on it, then the fixed
 * query mix (scripts/lib/search-mix.ts) through the AWS SDK, first page of 100 each,
 * and a bucket aggregation over the whole fleet.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetBucketsAggregationCommand, IoTClient, SearchIndexCommand } from "@aws-sdk/client-iot";
import { indexLargeFleet, seedLargeFleet } from "./seed-large";
import { searchMix } from "./lib/search-mix";
import { ms, percentile } from "./lib/stats";

export interface SearchBenchResult {
  fleetSize: number;
  seedMs: number;
  writeMs: number;
  indexBuildMs: number;
  emulatorLoadMs: number;
  emulatorRssMb: number;
  searchFirstPage: { samples: number; p50Ms: number; p95Ms: number; maxMs: number; slowest: string; perQueryP95Ms: Record<string, number> };
  bucketAggregation: { field: string; medianMs: number; maxMs: number; buckets: number; totalCount: number };
}

export async function benchSearch(fleetSize: number, log: (line: string) => void = console.log): Promise<SearchBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "fleet-bench-search-"));
  try {
    log(`search: writing ${fleetSize.toLocaleString("en-US")} things with seed:large (${dataDir})`);
    const t0 = performance.now();
    seedLargeFleet({ things: fleetSize, dataDir, seed: 1, log: () => undefined });
    const writeMs = performance.now() - t0;
    const { loadMs, indexMs, emulator } = await indexLargeFleet(dataDir, () => undefined, { keepRunning: true });
    const seedMs = performance.now() - t0;
    log(
      `  written in ${(writeMs / 1000).toFixed(1)} s, loaded by the emulator in ${(loadMs / 1000).toFixed(1)} s, indexed in ${(indexMs / 1000).toFixed(1)} s: ${(seedMs / 1000).toFixed(1)} s in all`,
    );
    if (!emulator) throw new Error("the emulator did not stay up");
    const iot = new IoTClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      maxAttempts: 1,
    });
    try {
      const mix = searchMix(Date.now());
      const all: number[] = [];
      const perQueryP95Ms: Record<string, number> = {};
      let slowest = { name: "", ms: 0 };
      for (const q of mix) {
        await iot.send(new SearchIndexCommand({ queryString: q.query, maxResults: 100 })); // warm-up
        const times: number[] = [];
        let hits = 0;
        for (let i = 0; i < 10; i++) {
          const s = performance.now();
          const out = await iot.send(new SearchIndexCommand({ queryString: q.query, maxResults: 100 }));
          times.push(performance.now() - s);
          hits = out.things?.length ?? 0;
        }
        all.push(...times);
        perQueryP95Ms[q.name] = +percentile(times, 95).toFixed(2);
        const worst = Math.max(...times);
        if (worst > slowest.ms) slowest = { name: q.name, ms: worst };
        log(`  ${q.name.padEnd(34)} p50 ${ms(percentile(times, 50))}  p95 ${ms(percentile(times, 95))}  (${hits} on the first page)`);
      }
      const searchFirstPage = {
        samples: all.length,
        p50Ms: +percentile(all, 50).toFixed(2),
        p95Ms: +percentile(all, 95).toFixed(2),
        maxMs: +Math.max(...all).toFixed(2),
        slowest: slowest.name,
        perQueryP95Ms,
      };
      log(
        `SearchIndex first page of 100, ${mix.length} queries x 10: p50 ${ms(searchFirstPage.p50Ms)}, p95 ${ms(searchFirstPage.p95Ms)}, max ${ms(searchFirstPage.maxMs)} (${slowest.name})`,
      );

      const field = "attributes.customer";
      const aggTimes: number[] = [];
      let buckets = 0;
      let totalCount = 0;
      for (let i = 0; i < 6; i++) {
        const s = performance.now();
        const out = await iot.send(
          new GetBucketsAggregationCommand({
            queryString: "thingName:*",
            aggregationField: field,
            bucketsAggregationType: { termsAggregation: { maxBuckets: 100 } },
          }),
        );
        if (i > 0) aggTimes.push(performance.now() - s); // the first is a warm-up
        buckets = out.buckets?.length ?? 0;
        totalCount = out.totalCount ?? 0;
      }
      const bucketAggregation = { field, medianMs: +percentile(aggTimes, 50).toFixed(1), maxMs: +Math.max(...aggTimes).toFixed(1), buckets, totalCount };
      log(
        `GetBucketsAggregation ${field} over the whole fleet (${totalCount.toLocaleString("en-US")} things, ${buckets} buckets): median ${ms(bucketAggregation.medianMs)}, max ${ms(bucketAggregation.maxMs)}`,
      );
      const emulatorRssMb = Math.round(process.memoryUsage().rss / 1_048_576);
      log(`memory of the process holding the emulator: ${emulatorRssMb.toLocaleString("en-US")} MB RSS`);
      return {
        fleetSize,
        seedMs: Math.round(seedMs),
        writeMs: Math.round(writeMs),
        indexBuildMs: Math.round(indexMs),
        emulatorLoadMs: Math.round(loadMs),
        emulatorRssMb,
        searchFirstPage,
        bucketAggregation,
      };
    } finally {
      iot.destroy();
      await emulator.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
