// Submit a job, wait for it and list its image links, typed by the generated atelier.d.ts
// (docs/sdk.md). Any fetch wrapper works the same way; openapi-fetch takes these types as is.
import type { components, paths, webhooks } from "./atelier";

type Job = components["schemas"]["Job"];
type JobRequest = components["schemas"]["JobRequest"];
type ApiError = components["schemas"]["Error"];
type CreateJob = paths["/api/v1/jobs"]["post"];
type JobEvent = NonNullable<webhooks["job.succeeded"]["post"]["requestBody"]>["content"]["application/json"];

const base = "https://atelier.example.com";
const apiKey = "your API key"; // from the dashboard; keep it out of your code
const headers = { Authorization: `Bearer ${apiKey}` };

export async function submit(body: JobRequest): Promise<Job> {
  const response = await fetch(`${base}/api/v1/jobs`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) {
    const error: ApiError = await response.json();
    throw new Error(`${error.code}: ${error.message}${error.missing ? ` (missing ${error.missing.join(", ")})` : ""}`);
  }
  const accepted: CreateJob["responses"][202]["content"]["application/json"] = await response.json();
  return accepted;
}

export async function imageLinks(id: string): Promise<string[]> {
  for (;;) {
    const response = await fetch(`${base}/api/v1/jobs/${id}`, { headers });
    const job: Job = await response.json();
    if (job.status !== "queued" && job.status !== "running") {
      return job.assets.flatMap((asset) => (asset.url === null ? [] : [asset.url]));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export function onEvent(event: JobEvent): string {
  return `${event.type}: job ${event.data.job.id} is ${event.data.job.status}`;
}

// A template job: leave out what the template decides (here the model and the prompt).
export const fromTemplate: JobRequest = { template: "studio-shot", slots: { subject: "a teapot" }, n: 2 };
