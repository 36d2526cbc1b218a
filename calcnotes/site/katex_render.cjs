// Render TeX to HTML with KaTeX, for the build (server-side math: the reader's
// browser runs no math script and fetches nothing but the fonts we serve).
// Protocol: one JSON array of {tex, display} per input line; one JSON array of
// {html} or {error} per output line, in the same order.
"use strict";
const katex = require("katex");
const readline = require("readline");

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  const items = JSON.parse(line);
  const out = items.map(({ tex, display }) => {
    try {
      return {
        html: katex.renderToString(tex, {
          displayMode: display,
          throwOnError: true,   // invalid TeX must fail the build, not render red
          strict: "ignore",
          output: "htmlAndMathml",  // MathML for screen readers
        }),
      };
    } catch (err) {
      return { error: String(err && err.message ? err.message : err) };
    }
  });
  process.stdout.write(JSON.stringify(out) + "\n");
});
