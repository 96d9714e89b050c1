// The walkthrough a newcomer lands in: dlt's basics, step by step, in cells that run here.
// Every step ends with `check(...)`, so the notebook tests itself (and Playwright runs it).
import { newCell, newNotebook, type Cell, type Notebook } from "./model.ts";

const STEPS = 9;
let step = 0;
const md = (text: string) => newCell("markdown", text.trim());
const code = (text: string) => newCell("code", text.trim());
const sql = (text: string) => newCell("sql", text.trim());
const heading = (title: string) => `## Step ${++step} of ${STEPS} · ${title}`;

function cells(): Cell[] {
  step = 0;
  return [
    md(`
# Learn dlt in your browser

**dlt** (data load tool) moves data from a *source* into a *destination*, and takes care of the
chores in between: inferring a schema, creating tables, typing columns, loading in bulk and
remembering what was already loaded. This notebook follows the basic dlt lesson with
TypeScript twins of its Python examples. Everything runs in this tab: the destination is
DuckDB, stored in your browser, and the events API used later is served by pipebook itself,
so it all works offline.

Press **Run all** at the top, or go cell by cell with **Shift+Enter**. Each step ends with a
check that says ✓ when the step did what it should.

The translation from Python is mechanical: a decorator becomes a call
(\`@dlt.resource def f()\` → \`dlt.resource(function* f() {...})\`), keyword arguments become
one options object with the same names, and anything that does I/O is awaited.
`),
    md(`
${heading("A source and a destination")}

Think of a pipeline as two ends. The **source** here is a plain list of two records defined in
code; the **destination** is DuckDB. A *resource* is a function that yields data (one table);
a *source* groups resources. \`dlt.pipeline\` names the pipeline and the *dataset* (a DuckDB
schema) the tables go to, and \`run\` does the rest.
`),
    code(`
const data = [
  { id: 1, name: "Alice" },
  { id: 2, name: "Bob" },
];

const simple_source = dlt.source(function simple_source() {
  const load_dict = dlt.resource(function* load_dict() {
    yield data;
  });
  return load_dict;
});

const pipeline = dlt.pipeline({
  pipeline_name: "simple_pipeline",
  destination: dlt.destinations.duckdb(), // this notebook's own database
  dataset_name: "mydata",
});

let load_info = await pipeline.run(simple_source(), { write_disposition: "replace" });
console.log(String(load_info));

const loaded = await pipeline.query("select id, name from mydata.load_dict order by id");
check(loaded.length === 2 && loaded[0].name === "Alice" && loaded[1].name === "Bob", "mydata.load_dict holds Alice and Bob");
`),
    md(`
${heading("What dlt did for you")}

Nothing above created a table or declared a type. dlt looked at the records, named a table
after the resource (\`load_dict\`), inferred \`id\` as a bigint and \`name\` as text, created the
table, and loaded the rows in one bulk insert. It also added two columns of its own:
\`_dlt_load_id\` (which load a row came from) and \`_dlt_id\` (a unique row key). Look:
`),
    sql(`select column_name, data_type, is_nullable
from information_schema.columns
where table_schema = 'mydata' and table_name = 'load_dict'
order by ordinal_position`),
    md(`
Besides your table, the dataset has dlt's **system tables**: \`_dlt_loads\` records every
completed load, \`_dlt_version\` keeps each version of the inferred schema, and
\`_dlt_pipeline_state\` keeps the pipeline's state (more on that in step 5). The **Data** panel on
the right shows them too.
`),
    sql(`select load_id, schema_name, status, inserted_at from mydata._dlt_loads order by inserted_at`),
    code(`
const columns = await pipeline.query(
  "select column_name, data_type from information_schema.columns where table_schema = 'mydata' and table_name = 'load_dict' order by ordinal_position",
);
const types = Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]));
const system = await pipeline.query("select table_name from information_schema.tables where table_schema = 'mydata' and table_name like '\\\\_dlt\\\\_%' escape '\\\\' order by 1");
check(types.id === "BIGINT" && types.name === "VARCHAR", "id was inferred as BIGINT and name as VARCHAR");
check(types._dlt_load_id === "VARCHAR" && types._dlt_id === "VARCHAR", "dlt added _dlt_load_id and _dlt_id");
check(system.map((t) => t.table_name).join() === "_dlt_loads,_dlt_pipeline_state,_dlt_version", "the dataset has _dlt_loads, _dlt_pipeline_state and _dlt_version");
`),
    md(`
${heading("Write dispositions: replace, append, merge")}

The *write disposition* says what a run does with rows already in the table.

- **replace** swaps the table's contents for the new data: right for full refreshes and
  dimension tables. Run it again and there are still 2 rows.
`),
    code(`
load_info = await pipeline.run(simple_source(), { write_disposition: "replace" });
const afterReplace = await pipeline.query("select count(*) as n from mydata.load_dict");
console.log(afterReplace);
check(afterReplace[0].n === 2, "replace again: still 2 rows");
`),
    md(`
- **append** adds the new rows to what is there: right for event logs and facts. The same two
  records appended once more make 4 rows, with ids 1 and 2 twice each.
`),
    code(`
load_info = await pipeline.run(simple_source(), { write_disposition: "append" });
const afterAppend = await pipeline.query("select id, count(*) as copies from mydata.load_dict group by id order by id");
console.log(afterAppend);
check(afterAppend.length === 2 && afterAppend.every((r) => r.copies === 2), "append: 4 rows, every id twice");
`),
    md(`
- **merge** with a \`primary_key\` updates rows whose key is already there and inserts the rest.
  Bob changes his name and Carol joins: after the merge each id appears once, Bob's row is
  updated, and Carol is new. The duplicates from the append are gone too, because rows with a
  matching key are replaced.
`),
    code(`
data[1].name = "Bobby";
data.push({ id: 3, name: "Carol" });

load_info = await pipeline.run(simple_source(), { write_disposition: "merge", primary_key: "id" });
const afterMerge = await pipeline.query("select id, name from mydata.load_dict order by id");
console.log(afterMerge);
check(afterMerge.map((r) => \`\${r.id}:\${r.name}\`).join() === "1:Alice,2:Bobby,3:Carol", "merge: one row per id, Bob updated, Carol inserted");
`),
    md(`
${heading("Incremental loading from an events API")}

Sources that keep producing data, like an events API, should not be reloaded in full on every
run. \`dlt.sources.incremental\` tracks the highest value of a cursor field (here \`timestamp\`)
and hands it to your resource on the next run, so it asks only for what is new.

The events come from pipebook's demo API at \`/demo-api/events\`: 24 events per simulated day,
paginated (\`page\`, \`next\`) and filtered by \`since\`. Its \`day\` parameter is the simulation's
clock; a real API would simply return what exists now. The same code works against a real
API by changing the URL.
`),
    code(`
let day = 1; // how many days of events the demo API has published

async function* fetch_events_since(since: string) {
  let url: string | null = \`/demo-api/events?since=\${encodeURIComponent(since)}&day=\${day}\`;
  while (url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(\`\${url} answered \${response.status}\`);
    const page = await response.json();
    yield* page.data;
    url = page.next;
  }
}

const load_events = dlt.resource(async function* load_events(
  last_timestamp = dlt.sources.incremental("timestamp", { initial_value: "2024-01-01" }),
) {
  // Only fetch records newer than last_timestamp.last_value
  for await (const event of fetch_events_since(last_timestamp.last_value)) {
    yield event;
  }
});

const events_pipeline = dlt.pipeline({
  pipeline_name: "events_pipeline",
  destination: dlt.destinations.duckdb(),
  dataset_name: "events",
});

const firstRun = await events_pipeline.run(load_events, { write_disposition: "append" });
console.log(String(firstRun));
const day1 = await events_pipeline.query("select count(*) as n, max(timestamp) as latest from events.load_events");
console.log(day1);
check(day1[0].n === 24, "day 1: 24 events loaded");
`),
    md(`
A day passes and the API publishes 24 more events. The next run starts from the stored
\`last_value\` and loads only the new ones. The API includes the boundary event again (many do);
dlt recognizes it and skips it, so nothing is duplicated.
`),
    code(`day = 2; // the next day: 24 more events are published`),
    code(`
const secondRun = await events_pipeline.run(load_events, { write_disposition: "append" });
console.log(events_pipeline.last_trace.last_normalize_info.row_counts);
const day2 = await events_pipeline.query("select count(*) as n, count(distinct id) as ids from events.load_events");
console.log(day2);
check(day2[0].n === 48 && day2[0].ids === 48, "day 2: 24 new events, 48 in all, no duplicates");
`),
    md(`
The nested \`payload\` object became columns of the same table (\`payload__path\`,
\`payload__amount\`): dlt flattens nested objects with \`__\`, and puts lists into child tables.
`),
    sql(`select type, count(*) as events, round(sum(payload__amount), 2) as revenue
from events.load_events group by type order by events desc`),
    md(`
${heading("State: where the cursor lives")}

The cursor is part of the pipeline's **state**. dlt stores it in two places: locally (here in
your browser's IndexedDB, which is why a reload continues where you left off) and in the
destination's \`_dlt_pipeline_state\` table, written in the same transaction as the data. The
state sits under \`sources.<source>.resources.<resource>.incremental.<cursor>\`.
`),
    code(`
const cursor = events_pipeline.state.sources.events_pipeline.resources.load_events.incremental.timestamp;
console.log(cursor.last_value);
check(String(cursor.last_value).startsWith("2024-01-02T23:00:00"), "the state's last_value is the newest event of day 2");
`),
    sql(`select version, engine_version, pipeline_name, created_at, version_hash from events._dlt_pipeline_state order by version`),
    code(`
const stateRows = await events_pipeline.query("select count(*) as n from events._dlt_pipeline_state");
check(stateRows[0].n >= 2, "_dlt_pipeline_state has a row for each run that changed the state");
`),
    md(`
${heading("The REST API source: configuration instead of code")}

Writing the fetch loop by hand is fine for one endpoint. dlt's \`rest_api_source\` turns a whole
API into a source from a configuration object: the paginator is detected (or set), and a
resource can depend on another one: here one request per user fetches that user's events, with
the user's name copied in as \`_users_name\`.
`),
    code(`
const demo_api = dlt.sources.rest_api_source({
  client: { base_url: "/demo-api/" },
  resource_defaults: { primary_key: "id", write_disposition: "merge" },
  resources: [
    "users",
    {
      name: "user_events",
      endpoint: { path: "users/{resources.users.id}/events", params: { day: 1 } },
      include_from_parent: ["name"],
    },
  ],
});

const api_pipeline = dlt.pipeline({ pipeline_name: "api_pipeline", destination: dlt.destinations.duckdb(), dataset_name: "demo_api" });
console.log(String(await api_pipeline.run(demo_api)));
const perUser = await api_pipeline.query("select _users_name as name, count(*) as events from demo_api.user_events group by 1 order by 1");
console.log(perUser);
check(perUser.length === 5 && perUser.reduce((a, r) => a + r.events, 0) === 24, "5 users and their 24 day-1 events, fetched with pagination");
`),
    md(`
${heading("Reading load_info, and a failed job")}

\`run\` returns a \`load_info\`: which packages were loaded, into where, and whether any job
failed. Here the \`price\` column is declared as \`decimal\` with 5 digits, 2 after the point,
and one record does not fit. DuckDB refuses that row, so the load job fails. By default a failed
job stops the pipeline with an error that names the step, and the tables stay as they were:
`),
    code(`
const prices = dlt.resource(
  [{ sku: "A-1", price: 9.99 }, { sku: "B-2", price: 123456.5 }],
  { name: "prices", columns: { price: { data_type: "decimal", precision: 5, scale: 2 } } },
);
const strict = dlt.pipeline({ pipeline_name: "strict_pipeline", destination: dlt.destinations.duckdb(), dataset_name: "shop" });
let failure: any;
try {
  await strict.run(prices);
} catch (e) {
  failure = e;
  console.log(\`\${e.name} at step \${e.step}: \${e.exception?.message ?? e.message}\`);
}
check(failure?.step === "load", "the failing load raised PipelineStepFailed at the load step");
`),
    md(`
With \`raise_on_failed_jobs: false\` the run completes, and \`load_info\` tells you what failed,
the way the lesson inspects it:
`),
    code(`
const lenient = dlt.pipeline({
  pipeline_name: "lenient_pipeline",
  destination: dlt.destinations.duckdb(),
  dataset_name: "shop_lenient",
  raise_on_failed_jobs: false,
});
const info = await lenient.run(prices);

// Check for errors
if (info.has_failed_jobs) {
  for (const job of info.load_packages[0].jobs["failed_jobs"]) {
    console.log(\`Failed: \${job.file_path}, Error: \${job.failed_message}\`);
  }
}
// View load statistics
console.log(String(info));
check(info.has_failed_jobs && String(info).includes("1 FAILED job(s)!"), "load_info reports the failed job and its message");
`),
    md(`
Common problems and where to look:

| Problem | Likely cause | What to do |
|---|---|---|
| Duplicate rows | \`append\` where updates were meant | \`merge\` with a \`primary_key\` |
| New data missing | the cursor did not move | look at \`_dlt_pipeline_state\` and \`pipeline.state\` |
| Schema errors | a field changed type | dlt adds a variant column; \`replace\` reloads cleanly |
| Memory pressure | one huge list | yield pages from a generator |
`),
    md(`
${heading("Starting over")}

\`pipeline.drop()\` forgets the pipeline's **local** state and schemas. The destination keeps
its data and its copy of the state, so the next run restores the cursor from
\`_dlt_pipeline_state\` and loads nothing twice:
`),
    code(`
await events_pipeline.drop();
const afterDrop = await events_pipeline.run(load_events, { write_disposition: "append" });
const stillThere = await events_pipeline.query("select count(*) as n from events.load_events");
console.log(stillThere);
check(stillThere[0].n === 48, "after drop() the state came back from the destination: still 48 events, no duplicates");
`),
    md(`
To really start from scratch, drop the data too: \`refresh: "drop_sources"\` drops the source's
tables and state before the run, so everything is loaded again. (In \`append\` mode, resetting
only the state without the data would load every event a second time: the lesson's warning.)
The **Reset** button in the Pipelines panel does the same from the UI, after asking.
`),
    code(`
await events_pipeline.run(load_events, { write_disposition: "append", refresh: "drop_sources" });
const fresh = await events_pipeline.query("select count(*) as n, count(distinct id) as ids from events.load_events");
console.log(fresh);
check(fresh[0].n === 48 && fresh[0].ids === 48, "refresh reloaded all 48 events from scratch, once each");
`),
    md(`
${heading("Where next")}

You have used every part of the basic lesson: sources, resources and pipelines, the three
write dispositions, incremental loading with state, the REST API source, \`load_info\`, and
resets. Add cells below, open the **Data** and **Pipelines** panels, or save this notebook as a
\`.ipynb\` file (**Download**) to share it.
`),
    code(`check(true, "walkthrough complete");`),
  ];
}

export function tutorialNotebook(): Notebook {
  return newNotebook("Learn dlt: the basics", cells());
}

export const TUTORIAL_STEPS = STEPS;
