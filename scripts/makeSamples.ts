// Regenerates the shipped samples and their forget lists deterministically (seeded), so they can
// be reproduced and reviewed. Run: npm run compile-tests && node out/scripts/makeSamples.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataset } from '../src/engine/dataset';
import { addRows, emptyForgetList, serializeForgetList } from '../src/engine/forgetList';
import type { ModelSettings } from '../src/engine/types';
import { selectRowsWhere } from '../src/engine/where';
import { seededGaussian, seededRandom } from '../test/engine/random';

const samples = join(__dirname, '..', '..', 'samples');
/** The day the sample marks were made, so regenerating does not churn the files. */
const MARKED_ON = '2026-11-23';

function writeSample(name: string, text: string, model: ModelSettings, where: string, reason: string): void {
  writeFileSync(join(samples, name), text);
  const ds = parseDataset(text, name);
  const list = addRows(emptyForgetList(name, model), ds, selectRowsWhere(ds, where), reason, MARKED_ON);
  writeFileSync(join(samples, `${name}.forget.json`), serializeForgetList(list));
}

const rand = seededRandom(20241013);
const gauss = seededGaussian(rand);
const round = (v: number, d: number) => Number(v.toFixed(d));

// The paper's shape: a smooth wanted curve, plus an offset cluster of unwanted rows
// (a miscalibrated sensor) over part of the x-range.
const curve = (x: number) => 2 + 3 * Math.sin(x / 3.2);
const rows: { x: number; y: number; source: string }[] = [];
for (let i = 0; i < 120; i++) {
  const x = round((10 * (i + rand())) / 120, 3);
  rows.push({ x, y: round(curve(x) + 0.12 * gauss(), 3), source: i % 2 ? 'survey' : 'field-team' });
}
for (let i = 0; i < 30; i++) {
  const x = round(6.2 + 2.6 * rand(), 3);
  rows.push({ x, y: round(curve(x) + 3 + 0.25 * gauss(), 3), source: 'sensor-B' });
}
rows.sort((a, b) => a.x - b.x);
const csv = ['id,x,y,source', ...rows.map((r, i) => `${i + 1},${r.x},${r.y},${r.source}`)].join('\n') + '\n';
writeSample('paper.csv', csv, { x: 'x', y: 'y', degree: 3, sigma: 'auto', lambda: 1 }, 'source == "sensor-B"', 'sensor B was miscalibrated (ticket DATA-112)');

// A JSONL sample: nested readings, ISO timestamps as x, two devices.
const lines: string[] = [];
const start = Date.UTC(2026, 0, 1);
for (let i = 0; i < 60; i++) {
  const t = new Date(start + i * 6 * 86400000 + Math.floor(rand() * 86400000));
  const season = Math.sin((2 * Math.PI * i) / 60);
  const device = i % 10 === 7 ? 'probe-9' : i % 2 ? 'probe-1' : 'probe-2';
  const temp = round(12 + 9 * season + (device === 'probe-9' ? 11 : 0) + 0.6 * gauss(), 2);
  lines.push(JSON.stringify({ id: i + 1, time: t.toISOString(), device, reading: { temp, humidity: round(60 - 2 * season + 3 * gauss(), 1) } }));
}
writeSample('sensors.jsonl', lines.join('\n') + '\n', { x: 'time', y: 'reading.temp', degree: 4, sigma: 'auto', lambda: 1 }, 'device == "probe-9"', 'probe 9 sat in direct sunlight');
