import { describe, expect, it } from "vitest";
import { languagesFromEnv, pickLanguage, resolveLanguage } from "./language.ts";

describe("the language docsync speaks", () => {
  it("is the first of the user's languages it knows, in any spelling of the tag", () => {
    expect(pickLanguage(["zh_CN.UTF-8"])).toBe("zh-CN");
    expect(pickLanguage(["zh-Hans-CN"])).toBe("zh-CN");
    expect(pickLanguage(["zh-TW"])).toBe("zh-CN");
    expect(pickLanguage(["fr-FR", "zh-CN", "en-US"])).toBe("zh-CN");
    expect(pickLanguage(["en-GB", "zh-CN"])).toBe("en");
    expect(pickLanguage(["de", "fr"])).toBe("en");
    expect(pickLanguage([undefined, ""])).toBe("en");
  });

  it("is the user's choice when they made one", () => {
    expect(resolveLanguage("zh-CN", ["en-US"])).toBe("zh-CN");
    expect(resolveLanguage("en", ["zh-CN"])).toBe("en");
    expect(resolveLanguage("system", ["zh-CN"])).toBe("zh-CN");
  });

  it("on the command line comes from LC_ALL, LC_MESSAGES or LANG, with GNU's LANGUAGE first", () => {
    expect(pickLanguage(languagesFromEnv({ LANG: "zh_CN.UTF-8" }))).toBe("zh-CN");
    expect(pickLanguage(languagesFromEnv({ LANG: "zh_CN.UTF-8", LC_MESSAGES: "en_US.UTF-8" }))).toBe("en");
    expect(pickLanguage(languagesFromEnv({ LANG: "en_US.UTF-8", LC_ALL: "zh_CN.UTF-8" }))).toBe("zh-CN");
    expect(pickLanguage(languagesFromEnv({ LANG: "de_DE.UTF-8", LANGUAGE: "fr:zh_CN:en" }))).toBe("zh-CN");
    // The C locale means "no translation", whatever LANGUAGE says (as gettext reads it).
    expect(pickLanguage(languagesFromEnv({ LANG: "C.UTF-8", LANGUAGE: "zh_CN" }))).toBe("en");
    expect(pickLanguage(languagesFromEnv({}))).toBe("en");
  });
});
