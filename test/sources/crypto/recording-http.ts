import type { HttpResponse, RequestOptions } from '../../../src/http/types.js';
import { StubHttp } from '../../helpers/fake-runtime.js';

/** A StubHttp that also keeps the RequestOptions of every call (headers, secrets, source). */
export class RecordingHttp extends StubHttp {
  readonly options: Array<RequestOptions | undefined> = [];

  override async request(url: string, options?: RequestOptions): Promise<HttpResponse> {
    this.options.push(options);
    return super.request(url, options);
  }
}
