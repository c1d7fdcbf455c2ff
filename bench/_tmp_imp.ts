const t0 = performance.now();
await import("../lib/cli/score.ts");
const t1 = performance.now();
const { loadDataset } = await import("../lib/dataset/load.ts");
await loadDataset({});
const t2 = performance.now();
console.log(`import score.ts ${(t1 - t0).toFixed(0)} ms, dataset ${(t2 - t1).toFixed(0)} ms`);
