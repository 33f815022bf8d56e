/** The command line's help, and the error that means "you typed it wrong" (exit 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `docsync: keeps local folders in sync with cloud document services

Usage: npm run cli -- [--home DIR] COMMAND [OPTIONS]

The home folder (default ~/.docsync, or $DOCSYNC_HOME) holds the settings, the encrypted credentials
and the journal. Cloud paths are written ACCOUNT:/folder/file.

Commands:
  account add kdocs --name NAME --base-url URL --app-id ID --app-key KEY
          [--ost-base-url URL --ost-app-id ID --ost-api-key KEY --ost-api-secret SECRET]
  account add koodrive --name NAME --base-url URL --token TOKEN
                          add an account after checking its credentials with a real call
                          (the KooDrive token is kept encrypted; it lapses after 20 minutes unused)
  account list            the accounts and whether they work
  account test NAME       check an account's credentials again
  account check NAME [--out FILE] [--json]
                          a harmless round trip against the account's service (list, a folder and
                          files made and removed, a batch move, a staged import, a script's status),
                          one line per step with where the answers differ from the contract; the
                          same as JSON in FILE (default HOME/checks/), or on stdout with --json
  account remove NAME     forget an account (and its sync pairs)
  account set NAME --access-token TOKEN
                          store the user access token that scripts need (kept encrypted)
  pair add LOCAL_DIR ACCOUNT:/remote/path [--delete keep|mirror]
                          keep a local folder in sync with a cloud folder (created when missing);
                          keep (the default) never deletes in the cloud
  pair list               the sync pairs
  pair remove ID          stop syncing a pair
  pair script ID --ext EXT[,EXT...] --file SCRIPT [--name NAME] | --off
                          run a script on each document of those extensions the pair uploads
  sync --once [--yes-delete]
                          one full pass over every pair; exit 1 when any file failed
  watch                   keep every pair in sync until Ctrl-C
  status [--json]         accounts, pairs and running tasks
  ls ACCOUNT:/path        list a cloud folder
  mkdir ACCOUNT:/path     create a cloud folder (and its missing parents)
  put LOCAL... ACCOUNT:/folder
                          upload files and folders into a cloud folder
  mv ACCOUNT:/a ACCOUNT:/b ... ACCOUNT:/target
                          move cloud files and folders into a folder
  script run ACCOUNT:/path/to/document --file SCRIPT [--name NAME]
                          run a script on a document, showing its log as it runs;
                          prints its result, exit 1 when the script fails

Secrets (--app-key, --ost-api-key, --ost-api-secret, --token, --access-token) given as - are asked
for without echo on a terminal, or read from standard input, one line each in the order given:
  printf '%s\\n' "$KEY" | npm run cli -- account add kdocs --name Work ... --app-key -
A secret written on the command line itself shows in ps and in the shell's history.

Options:
  --home DIR              the home folder
  -h, --help              this help
`;
