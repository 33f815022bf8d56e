import { describe, expect, it } from "vitest";
import { catalogs, createI18n, languages, sayPhrase } from "./index.ts";

type Tree = { [key: string]: string | Tree };

/** Every leaf of a catalog as "a.b.c" → text. */
function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const pluralForm = /_(zero|one|two|few|many|other)$/;
const baseKey = (key: string) => key.replace(pluralForm, "");
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]!).sort((a, b) => a.localeCompare(b));
const tags = (text: string) => [...text.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();

const english = leaves(catalogs.en as unknown as Tree);

describe.each(languages)("the %s catalog", (language) => {
  const catalog = leaves(catalogs[language] as unknown as Tree);
  const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;

  it("has every English key, and no key English lacks", () => {
    const wanted = new Set([...english.keys()].map(baseKey));
    const has = new Set([...catalog.keys()].map(baseKey));
    expect(
      [...wanted].filter((key) => !has.has(key)),
      "missing",
    ).toEqual([]);
    expect(
      [...has].filter((key) => !wanted.has(key)),
      "not in English",
    ).toEqual([]);
  });

  it("has each plural in every form its plural rules use, and no other", () => {
    const plurals = new Set([...english.keys()].filter((key) => pluralForm.test(key)).map(baseKey));
    for (const key of plurals) {
      const forms = [...catalog.keys()].filter((k) => baseKey(k) === key && pluralForm.test(k));
      expect(forms.map((k) => k.slice(key.length + 1)).sort(), key).toEqual([...needed].sort());
    }
    for (const key of catalog.keys()) {
      const form = pluralForm.exec(key)?.[1];
      if (form) expect(needed, key).toContain(form);
    }
  });

  it("uses the same placeholders and markup as English in every text", () => {
    for (const [key, text] of catalog) {
      expect(text.trim(), key).not.toBe("");
      const source = english.get(key) ?? english.get(`${baseKey(key)}_other`)!;
      expect(placeholders(text), key).toEqual(placeholders(source));
      expect(tags(text), key).toEqual(tags(source));
    }
  });
});

describe("the Chinese catalog", () => {
  const chinese = leaves(catalogs["zh-CN"] as unknown as Tree);
  const han = "\\p{Script=Han}";

  it("writes full-width punctuation next to Chinese, and no space between two Chinese characters", () => {
    // A dot before letters is a file's extension ("请先读我.txt"), not a full stop.
    const halfWidthNearHan = new RegExp(`${han}([,:;?!()]|\\.(?![a-z]))|[,:;?!(]${han}`, "iu");
    const spaceBetweenHan = new RegExp(`${han}[ \\t\\u3000]+${han}`, "u");
    const straightQuotes = new RegExp(`"${han}|${han}"`, "u");
    for (const [key, text] of chinese) {
      expect(text, key).not.toMatch(halfWidthNearHan);
      expect(text, key).not.toMatch(spaceBetweenHan);
      expect(text, key).not.toMatch(straightQuotes);
    }
  });

  it("translates every text that has words (only names and examples stay as they are)", () => {
    const words = (text: string) => /[a-z]{3}/i.test(text.replace(/\{\{[^}]*\}\}/g, ""));
    const same = [...chinese].filter(([key, text]) => text === english.get(key) && words(text));
    expect(same.map(([key]) => key).sort()).toEqual([
      "accounts.appId",
      "accounts.appKey",
      "accounts.form.addressPlaceholder",
      "accounts.form.appId",
      "accounts.form.appKey",
      "accounts.form.ostApiKey",
      "accounts.form.ostApiSecret",
      "accounts.koodrive",
      "pairs.form.placeholder",
      "scripts.pair.extensionsPlaceholder",
      "settings.languages.en",
      "tray.tooltip",
    ]);
  });
});

describe("phrases", () => {
  it("are said in each language, nested values included", () => {
    const phrase = {
      key: "errors.accountNotAdded",
      params: { reason: { key: "errors.cloud.conflict", params: { detail: "name taken" } } },
    };
    expect(sayPhrase(createI18n("en"), phrase)).toBe("The account was not added. Refused: name taken");
    expect(sayPhrase(createI18n("zh-CN"), phrase)).toBe("账号没有添加。被拒绝：name taken");
  });

  it("count through Intl in each language", () => {
    expect(createI18n("en").t("drop.uploading", { count: 1, folder: "A" })).toBe("Uploading 1 item to “A”");
    expect(createI18n("en").t("drop.uploading", { count: 1200, folder: "A" })).toBe(
      "Uploading 1,200 items to “A”",
    );
    expect(createI18n("zh-CN").t("drop.uploading", { count: 2, folder: "报表" })).toBe(
      "正在上传 2 个项目到“报表”",
    );
  });
});
