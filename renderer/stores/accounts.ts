import { create } from "zustand";
import type { ChannelInput } from "../../shared/contract.ts";
import type { AccountCheck, AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { fedList } from "./by-id.ts";

interface AccountsState {
  accounts: AccountView[];
  loaded: boolean;
  /** Accounts being tested right now. */
  testing: Record<string, boolean>;
  /** The last check with the service of each account, and those running now. */
  checks: Record<string, AccountCheck>;
  checking: Record<string, boolean>;
  setAll(accounts: AccountView[]): void;
  add(input: ChannelInput<"accounts.add">): Promise<AccountView>;
  test(accountId: string): Promise<void>;
  check(accountId: string): Promise<AccountCheck>;
  remove(accountId: string): Promise<void>;
  setAccessToken(accountId: string, accessToken: string): Promise<AccountView>;
}

export const useAccounts = create<AccountsState>()((set, get) => {
  const fed = fedList<AccountView>(
    () => get().accounts,
    (accounts) => set({ accounts }),
  );
  const setTesting = (accountId: string, testing: boolean) =>
    set((state) => ({ testing: { ...state.testing, [accountId]: testing } }));
  return {
    accounts: [],
    loaded: false,
    testing: {},
    checks: {},
    checking: {},
    setAll: (accounts) => set({ accounts: fed.feed(accounts), loaded: true }),
    add: (input) => fed.settle(call("accounts.add", input), { created: true }),
    async test(accountId) {
      setTesting(accountId, true);
      try {
        await fed.settle(call("accounts.test", { accountId }));
      } finally {
        setTesting(accountId, false);
      }
    },
    async check(accountId) {
      set((state) => ({ checking: { ...state.checking, [accountId]: true } }));
      try {
        const check = await call("accounts.check", { accountId });
        set((state) => ({ checks: { ...state.checks, [accountId]: check } }));
        return check;
      } finally {
        set((state) => ({ checking: { ...state.checking, [accountId]: false } }));
      }
    },
    setAccessToken: (accountId, accessToken) =>
      fed.settle(call("accounts.setAccessToken", { accountId, accessToken })),
    async remove(accountId) {
      await call("accounts.remove", { accountId });
      set((state) => ({ accounts: state.accounts.filter((a) => a.id !== accountId) }));
    },
  };
});
