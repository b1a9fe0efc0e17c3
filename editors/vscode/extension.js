// The VS Code client of `perfdsl lsp`: starts the server over stdio for .perf documents.
// Highlighting (syntaxes/) and brackets/comments (language-configuration.json) work without it.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function start() {
  const settings = vscode.workspace.getConfiguration("perfdsl");
  const command = settings.get("server.command", "perfdsl");
  const args = settings.get("server.args", ["lsp"]);
  // stdio without a transport named: the client then adds no `--stdio` of its own (perfdsl accepts it anyway)
  const server = { command, args };
  client = new LanguageClient(
    "perfdsl",
    "perfdsl",
    { run: server, debug: server },
    {
      documentSelector: [{ language: "perf" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.perf") },
    }
  );
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `perfdsl: 无法启动语言服务器 \`${command} ${args.join(" ")}\`（${error.message}）。` +
        "请安装 perfdsl（pip install perfdsl），或在设置 perfdsl.server.command 中写出它的路径。"
    );
  });
}

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("perfdsl.server")) {
        if (client) await client.stop();
        await start();
      }
    })
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
