/** What the dashboard tells a person when the line to the engine fails, and what to do about it. */

export const ENGINE_UNREACHABLE = "Portico isn't running — start it with `npm start` or `portico serve`.";

export const TOKEN_REFUSED =
  "This page's access token is missing or out of date. Open the dashboard URL printed by `portico serve` (or run `portico open`).";
