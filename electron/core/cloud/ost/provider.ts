/** iFlytek OST as a staging store: a large file's bytes held at a URL a cloud service imports from. */
import type { NoticeSink } from "../notices.ts";
import type { StageSource, StagedFile, StagingProvider } from "../provider.ts";
import { OstClient, type OstClientOptions } from "./client.ts";

export interface OstAccount {
  baseUrl: string;
  appId: string;
  apiKey: string;
  apiSecret: string;
}

export function createOstStaging(
  account: OstAccount,
  options: Omit<OstClientOptions, keyof OstAccount> & { onNotice?: NoticeSink } = {},
): StagingProvider {
  const client = new OstClient({ ...options, ...account });
  return {
    async stage(source: StageSource): Promise<StagedFile> {
      // Always in slices, even when small: a restart continues from the last acknowledged one.
      return client.upload({
        path: source.localPath,
        filename: source.name,
        multipart: true,
        ...(source.resume ? { resume: source.resume.state, save: source.resume.save } : {}),
        ...(source.onProgress ? { onProgress: source.onProgress } : {}),
        ...(source.expected ? { expected: source.expected } : {}),
        ...(source.signal ? { signal: source.signal } : {}),
      });
    },
    close: () => client.close(),
  };
}
