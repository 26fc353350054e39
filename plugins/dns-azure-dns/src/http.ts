/**
 * The Azure SDK's `HttpClient` over `fetch` (the kernel's, so a deployment's proxy and tests' fakes apply to
 * every request, token requests included), with a bound on every request.
 */
import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

export function fetchHttpClient(doFetch: typeof globalThis.fetch, timeoutMs: number): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const timeout = AbortSignal.timeout(request.timeout > 0 ? Math.min(request.timeout, timeoutMs) : timeoutMs);
      const signal = request.abortSignal ? AbortSignal.any([request.abortSignal as AbortSignal, timeout]) : timeout;
      const body = request.body;
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        throw new RestError('this HTTP client sends only string and byte bodies', { code: RestError.REQUEST_SEND_ERROR, request });
      }
      let response: Response;
      let text: string;
      try {
        response = await doFetch(request.url, { method: request.method, headers: request.headers.toJSON(), body: typeof body === 'string' || body === undefined || body === null ? (body ?? undefined) : new Uint8Array(body), signal });
        text = await response.text();
      } catch (error) {
        if (request.abortSignal?.aborted) throw (request.abortSignal as AbortSignal).reason ?? error;
        const why = timeout.aborted ? 'no answer in time' : error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        throw new RestError(why, { code: RestError.REQUEST_SEND_ERROR, request });
      }
      const headers = createHttpHeaders();
      response.headers.forEach((value, name) => headers.set(name, value));
      return { request, status: response.status, headers, bodyAsText: text };
    },
  };
}
