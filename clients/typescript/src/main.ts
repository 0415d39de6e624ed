// A client of Mizan typed by `openapi-typescript` from openapi/openapi.json, run against the
// service: if the document and the service disagree, this fails to type-check or to run.
//
//   MIZAN_URL=http://127.0.0.1:8080 MIZAN_KEY=mzn_… node dist/main.js

import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Company = components["schemas"]["Company"];
type Problem = components["schemas"]["ProblemDetails"];

const baseUrl = process.env.MIZAN_URL ?? "http://127.0.0.1:8080";
const key = process.env.MIZAN_KEY;
if (!key) throw new Error("MIZAN_KEY must hold an editor or admin key");

const client = createClient<paths>({ baseUrl });
const auth = { Authorization: `Bearer ${key}` };

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`failed: ${what}`);
  console.log(`ok: ${what}`);
}

// A filtered list, followed to its second page.
async function followAFilteredList(): Promise<void> {
  const query = { openness: "open_weights", sort: "-released", limit: 2 } as const;
  const first = await client.GET("/v1/models", { params: { query } });
  check(first.response.status === 200 && first.data !== undefined, "GET /v1/models?openness=open_weights");
  const cursor = first.data.next_cursor;
  check(typeof cursor === "string", "the first page has a next_cursor");
  const second = await client.GET("/v1/models", { params: { query: { ...query, cursor } } });
  check(second.data !== undefined && second.data.data.length > 0, "the second page has rows");
  const seen = new Set(first.data.data.map((model) => model.slug));
  check(
    second.data.data.every((model) => !seen.has(model.slug) && model.openness === "open_weights"),
    "the second page holds other open-weight models",
  );
}

// A record in each language: localized fields become plain strings.
async function readInEachLanguage(): Promise<void> {
  const names: Record<string, string> = {};
  for (const lang of ["en", "ar"] as const) {
    const { data } = await client.GET("/v1/companies/{slug}", {
      params: { path: { slug: "deepseek" }, query: { lang } },
    });
    check(data !== undefined && typeof data.name === "string", `GET /v1/companies/deepseek?lang=${lang}`);
    names[lang] = data.name as string;
  }
  check(names.en === "DeepSeek" && names.ar !== names.en, `the names differ by language (${names.ar})`);
}

// A create with Idempotency-Key (a retry gets the same record), then a PATCH with If-Match,
// and the 412 a stale If-Match gets, handled by reading the current version and retrying.
async function createThenChange(): Promise<void> {
  const slug = `ts-client-${randomUUID().slice(0, 8)}`;
  const body: components["schemas"]["CompanyInput"] = {
    slug,
    name: { en: "Zhipu AI", ar: "تشيبو للذكاء الاصطناعي" },
    kind: "ai_lab",
    country: "CN",
    description: { en: "A Beijing AI lab.", ar: "مختبر ذكاء اصطناعي في بكين." },
  };
  const idempotency = { ...auth, "Idempotency-Key": randomUUID() };
  const created = await client.POST("/v1/companies", { body, params: { header: idempotency } });
  check(created.response.status === 201 && created.data !== undefined, `POST /v1/companies (${slug})`);
  const again = await client.POST("/v1/companies", { body, params: { header: idempotency } });
  check(again.data?.id === created.data.id, "the retried create answers with the same record");
  const etag = created.response.headers.get("etag");
  check(etag !== null, "the create answers with an ETag");

  // A merge patch: the one field to change, typed by the document's CompanyPatch.
  const patch = (ifMatch: string, founded: number) =>
    client.PATCH("/v1/companies/{slug}", {
      params: { path: { slug }, header: { ...auth, "If-Match": ifMatch } },
      body: { founded } satisfies components["schemas"]["CompanyPatch"],
      bodySerializer: JSON.stringify,
      headers: { "Content-Type": "application/merge-patch+json" },
    });
  const changed = await patch(etag, 2019);
  const company: Company | undefined = changed.data;
  check(changed.response.status === 200 && company?.founded === 2019, "PATCH with If-Match");

  const stale = await patch(etag, 2020);
  const problem: Problem | undefined = stale.error;
  check(stale.response.status === 412 && problem?.status === 412, "a stale If-Match gets 412 problem+json");
  const current = stale.response.headers.get("etag");
  check(current !== null && current !== etag, "the 412 names the current ETag");
  const retried = await patch(current, 2020);
  check(retried.data?.founded === 2020, "the change retried on the current version lands");

  const removed = await client.DELETE("/v1/companies/{slug}", {
    params: { path: { slug }, header: { ...auth, "If-Match": retried.response.headers.get("etag") ?? "" } },
  });
  check(removed.response.status === 204, "DELETE the company again");
}

await followAFilteredList();
await readInEachLanguage();
await createThenChange();
console.log("the TypeScript client agrees with the service");
