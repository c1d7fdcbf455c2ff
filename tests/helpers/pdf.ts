/**
 * A small reader of the font dictionaries of a PDF, enough to check that every font is embedded
 * and which characters it can show (from its ToUnicode map). Pure Deno, so CI needs no poppler.
 */

/** One font of a PDF. */
export interface PdfFont {
  name: string;
  subtype: string;
  /** A FontFile, FontFile2 or FontFile3 stream is attached to its descriptor. */
  embedded: boolean;
  /** The characters its ToUnicode map gives (empty without one). */
  chars: Set<string>;
}

interface _Obj {
  dict: string;
  stream?: Uint8Array;
}

function _objects(pdf: Uint8Array): Map<number, _Obj> {
  // latin1 keeps one character per byte, so string offsets are byte offsets.
  const text = new TextDecoder("latin1").decode(pdf);
  const objs = new Map<number, _Obj>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf("endobj", start);
    const body = text.slice(start, end);
    const s = body.indexOf("stream");
    if (s >= 0 && body.startsWith("<<")) {
      const dict = body.slice(0, s);
      const len = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      let off = start + s + "stream".length;
      if (text[off] === "\r") off++;
      if (text[off] === "\n") off++;
      objs.set(Number(m[1]), { dict, stream: pdf.slice(off, off + len) });
    } else objs.set(Number(m[1]), { dict: body });
  }
  return objs;
}

async function _inflate(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new TextDecoder("latin1").decode(new Uint8Array(await new Response(stream).arrayBuffer()));
}

function _ref(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s*\\[?\\s*(\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

/** Characters named by the destination strings of a ToUnicode CMap (UTF-16BE hex). */
function _cmapChars(cmap: string): Set<string> {
  const out = new Set<string>();
  const hexToText = (hex: string) => {
    const units: number[] = [];
    for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const pair of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) out.add(hexToText(pair[2]));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      if (r[3].startsWith("[")) {
        for (const d of r[3].matchAll(/<([0-9a-fA-F]+)>/g)) out.add(hexToText(d[1]));
      } else {
        const lo = parseInt(r[1], 16), hi = parseInt(r[2], 16), base = parseInt(r[3].slice(1, -1), 16);
        for (let c = 0; c <= hi - lo; c++) out.add(String.fromCharCode(base + c));
      }
    }
  }
  return out;
}

/** Every font dictionary of a PDF, with whether it is embedded and the characters it maps. */
export async function pdfFonts(pdf: Uint8Array): Promise<PdfFont[]> {
  const objs = _objects(pdf);
  const fonts: PdfFont[] = [];
  for (const obj of objs.values()) {
    if (!/\/Type\s*\/Font\b/.test(obj.dict)) continue;
    const subtype = /\/Subtype\s*\/(\w+)/.exec(obj.dict)?.[1] ?? "";
    if (subtype.startsWith("CIDFontType")) continue; // described through its Type0 parent
    const name = /\/BaseFont\s*\/([^\s/>]+)/.exec(obj.dict)?.[1] ?? "";
    let descDict = obj.dict;
    const descendant = _ref(obj.dict, "DescendantFonts");
    if (descendant !== undefined) descDict = objs.get(descendant)?.dict ?? "";
    const descriptor = _ref(descDict, "FontDescriptor");
    const dd = descriptor !== undefined ? objs.get(descriptor)?.dict ?? "" : "";
    const embedded = /\/FontFile[23]?\s+\d+ 0 R/.test(dd);
    const tu = _ref(obj.dict, "ToUnicode");
    let chars = new Set<string>();
    const cm = tu !== undefined ? objs.get(tu) : undefined;
    if (cm?.stream) {
      chars = _cmapChars(/FlateDecode/.test(cm.dict) ? await _inflate(cm.stream) : new TextDecoder().decode(cm.stream));
    }
    fonts.push({ name, subtype, embedded, chars });
  }
  return fonts;
}

/** The text content of every `<text>` element of an SVG, entities decoded. */
export function svgTexts(svg: string): string[] {
  const decode = (s: string) =>
    s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(
      /&#(\d+);/g,
      (_, n) => String.fromCodePoint(Number(n)),
    ).replace(/&amp;/g, "&");
  return [...svg.matchAll(/<text\b[^>]*?(?<!\/)>([\s\S]*?)<\/text>/g)].flatMap((m) =>
    m[1].includes("<tspan")
      ? [...m[1].matchAll(/<tspan\b[^>]*>([\s\S]*?)<\/tspan>/g)].map((t) => decode(t[1]))
      : [decode(m[1])]
  );
}

/** A grey image, one byte a pixel (0 black, 255 white), rows top to bottom. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Decode a PNG (8-bit grey, grey+alpha, RGB or RGBA, not interlaced: what resvg writes) to grey,
 * alpha composed over white.
 */
export async function decodePng(png: Uint8Array): Promise<GrayImage> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8, width = 0, height = 0, depth = 0, color = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (off < png.length) {
    const len = view.getUint32(off);
    const type = new TextDecoder("latin1").decode(png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
      [width, height, depth, color, interlace] = [d.getUint32(0), d.getUint32(4), data[8], data[9], data[12]];
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[color];
  if (depth !== 8 || !channels || interlace) throw new Error(`unsupported PNG (depth ${depth}, colour ${color})`);
  const stream = new Blob(idat as BlobPart[]).stream().pipeThrough(new DecompressionStream("deflate"));
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const stride = width * channels;
  const cur = new Uint8Array(stride), prev = new Uint8Array(stride);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1), filter = raw[base];
    for (let i = 0; i < stride; i++) {
      const x = raw[base + 1 + i], a = i >= channels ? cur[i - channels] : 0, b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = x;
      if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const p = x * channels;
      const g = channels >= 3 ? 0.299 * cur[p] + 0.587 * cur[p + 1] + 0.114 * cur[p + 2] : cur[p];
      const alpha = channels === 2 ? cur[p + 1] / 255 : channels === 4 ? cur[p + 3] / 255 : 1;
      pixels[y * width + x] = Math.round(g * alpha + 255 * (1 - alpha));
    }
    prev.set(cur);
  }
  return { width, height, pixels };
}

/**
 * Raster page 1 of a PDF with poppler's `pdftoppm` at `dpi`, in grey (anti-aliased as a PDF viewer
 * draws it). Needs `pdftoppm` on PATH (gate the test with `requires("pdftoppm")`).
 */
export async function rasterPdf(pdf: Uint8Array, dpi: number): Promise<GrayImage> {
  const dir = await Deno.makeTempDir({ prefix: "bsa-raster-" });
  try {
    await Deno.writeFile(`${dir}/in.pdf`, pdf);
    const out = await new Deno.Command("pdftoppm", {
      args: [
        "-r",
        String(dpi),
        "-gray",
        "-singlefile",
        "-aa",
        "yes",
        "-aaVector",
        "yes",
        `${dir}/in.pdf`,
        `${dir}/out`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`pdftoppm failed: ${new TextDecoder().decode(out.stderr)}`);
    const pgm = await Deno.readFile(`${dir}/out.pgm`);
    // "P5\n<w> <h>\n255\n" then one byte a pixel.
    const head = new TextDecoder("latin1").decode(pgm.subarray(0, 64));
    const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
    if (!m) throw new Error("pdftoppm wrote no PGM");
    const [width, height] = [Number(m[1]), Number(m[2])];
    return { width, height, pixels: pgm.slice(m[0].length, m[0].length + width * height) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A box blur of radius `r` (separable, edges clamped): hides anti-aliasing and hinting differences. */
export function blur(img: GrayImage, r: number): Float32Array {
  const { width: w, height: h, pixels } = img;
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  const n = 2 * r + 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += pixels[y * w + Math.min(w - 1, Math.max(0, x + d))];
      tmp[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += tmp[Math.min(h - 1, Math.max(0, y + d)) * w + x];
      out[y * w + x] = s / n;
    }
  }
  return out;
}

/** How far a rastered PDF is from its PNG. */
export interface RasterDiff {
  /** Why the two cannot be the same picture (sizes differ), or undefined. */
  sizeMismatch?: string;
  /** Mean absolute difference of the blurred images, 0–255. */
  mean: number;
  /** Share of pixels whose blurred values differ by more than 48 (of 255). */
  bad: number;
  /** Share of the PNG's ink (pixels darker than 200) that the PDF also has within the blur. */
  ink: number;
}

/**
 * Compare a rastered PDF with the PNG of the same figure after a blur of radius 2 px. Sizes must
 * agree within one pixel (a page rounded up by the rasteriser); a scaled or cropped drawing shows
 * as a large share of bad pixels, a missing part as lost ink.
 */
export function compareRasters(pdf: GrayImage, png: GrayImage): RasterDiff {
  if (Math.abs(pdf.width - png.width) > 1 || Math.abs(pdf.height - png.height) > 1) {
    return {
      sizeMismatch: `PDF ${pdf.width}×${pdf.height} px, PNG ${png.width}×${png.height} px`,
      mean: 255,
      bad: 1,
      ink: 0,
    };
  }
  const a = blur(pdf, 2), b = blur(png, 2);
  const w = Math.min(pdf.width, png.width), h = Math.min(pdf.height, png.height);
  let sum = 0, bad = 0, inkPng = 0, inkBoth = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const va = a[y * pdf.width + x], vb = b[y * png.width + x];
      const d = Math.abs(va - vb);
      sum += d;
      if (d > 48) bad++;
      if (png.pixels[y * png.width + x] < 200) {
        inkPng++;
        if (va < 230) inkBoth++;
      }
    }
  }
  return { mean: sum / (w * h), bad: bad / (w * h), ink: inkPng ? inkBoth / inkPng : 1 };
}
