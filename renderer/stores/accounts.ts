import { create } from "zustand";
import type { ChannelInput } from "../../shared/contract.ts";
import type { AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";

interface AccountsState {
  accounts: AccountView[];
  loaded: boolean;
  /** Accounts being tested right now. */
  testing: Record<string, boolean>;
  setAll(accounts: AccountView[]): void;
  add(input: ChannelInput<"accounts.add">): Promise<AccountView>;
  test(accountId: string): Promise<void>;
  remove(accountId: string): Promise<void>;
  setAccessToken(accountId: string, accessToken: string): Promise<AccountView>;
}

function upsert(list: AccountView[], account: AccountView): AccountView[] {
  const at = list.findIndex((a) => a.id === account.id);
  if (at < 0) return [...list, account];
  const next = list.slice();
  next[at] = account;
  return next;
}

export const useAccounts = create<AccountsState>()((set) => ({
  accounts: [],
  loaded: false,
  testing: {},
  setAll: (accounts) => set({ accounts, loaded: true }),
  async add(input) {
    const account = await call("accounts.add", input);
    set((state) => ({ accounts: upsert(state.accounts, account) }));
    return account;
  },
  async test(accountId) {
    set((state) => ({ testing: { ...state.testing, [accountId]: true } }));
    try {
      const account = await call("accounts.test", { accountId });
      set((state) => ({ accounts: upsert(state.accounts, account) }));
    } finally {
      set((state) => ({ testing: { ...state.testing, [accountId]: false } }));
    }
  },
  async setAccessToken(accountId, accessToken) {
    const account = await call("accounts.setAccessToken", { accountId, accessToken });
    set((state) => ({ accounts: upsert(state.accounts, account) }));
    return account;
  },
  async remove(accountId) {
    await call("accounts.remove", { accountId });
    set((state) => ({ accounts: state.accounts.filter((a) => a.id !== accountId) }));
  },
}));
