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
