// GraphQL over HTTP to /graphql, with the bearer token in a header (never in a URL).

export class SessionEnded extends Error {}
/** The request may not have arrived, or the server could not answer: a retry may help. */
export class NetworkFailure extends Error {}
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; retryable?: boolean } }[];
}

export async function gql<T>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new NetworkFailure("The server could not be reached.");
  }
  let answer: Answer;
  try {
    answer = (await response.json()) as Answer;
  } catch {
    throw new NetworkFailure(`The server answered ${response.status}.`);
  }
  const first = answer.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? "ERROR";
    if (code === "UNAUTHENTICATED") throw new SessionEnded(first.message);
    if (first.extensions?.retryable) throw new NetworkFailure(first.message);
    throw new ApiError(code, first.message);
  }
  return answer.data as T;
}
