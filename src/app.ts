/**
 * buildApp(options): the Fastify instance with every plugin registered; it never listens (server.ts does).
 * Tests call buildApp({ store: { kind: 'memory' } }) and use inject() (DESIGN.md house rule 11).
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { withDefaults, type HelsebroOptions } from './config/options.ts';
import { FhirRouter } from './fhir/router.ts';
import { loadCustomParameters, pendingParameters, reindexPending } from './fhir/custom-params.ts';
import { ResourceValidator } from './fhir/validation/index.ts';
import { ConformanceRegistry } from './fhir/validation/registry.ts';
import { registerContentTypes } from './http/plugins/content-types.ts';
import { registerErrorHandling } from './http/plugins/errors.ts';
import { lazyChildLogger } from './http/lazy-logger.ts';
import { redactUrl } from './http/redact.ts';
import { registerFhirRoutes } from './http/routes/fhir.ts';
import { createRepository } from './store/index.ts';
import { loadTerminologyFolder } from './terminology/folder.ts';
import { RequestIds, requestIdFor } from './http/request-id.ts';
import { accessLogger, fastReadServerFactory, type FastReadState } from './http/fast-read.ts';
import type { Repository } from './store/repository.ts';

export interface BuildOptions extends Partial<HelsebroOptions> {
  /** Use this repository instead of opening one from `store` (tests) */
  repository?: Repository;
  /** pino logger options or false; defaults to a logger at options.logLevel */
  logger?: boolean | object;
  /** Answer cached plain reads in the HTTP server's listener, before Fastify (./http/fast-read.ts); default on */
  fastRead?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    repo: Repository;
    fhir: FhirRouter;
  }
}

export async function buildApp(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const { repository, logger, fastRead = true, ...rest } = opts;
  const options = withDefaults(rest);
  // read before the store opens: a malformed code list stops the boot (FHIR_SERVICE_UNAVAILABLE, naming the file)
  const codeLists = options.terminologyDir === undefined ? undefined : loadTerminologyFolder(options.terminologyDir);
  const repo = repository ?? (await createRepository(options.store));
  const requestIds = new RequestIds();
  const fast: FastReadState = { closing: false };
  const app = Fastify({
    ...(fastRead ? { serverFactory: fastReadServerFactory(fast, requestIds) } : {}),
    bodyLimit: options.bodyLimit,
    logger: logger === false ? false : {
      level: options.logLevel,
      // The request URL is logged with its query values redacted; bodies are never logged.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      },
      ...(typeof logger === 'object' ? logger : {}),
    },
    // A client's X-Request-Id is kept when it is a valid FHIR id (it becomes OperationOutcome.id).
    genReqId: (req) => requestIdFor(req.headers['x-request-id'], requestIds),
    routerOptions: { ignoreTrailingSlash: true },
    childLoggerFactory: lazyChildLogger,
    // Fastify's two lines per request are replaced by one access line below, registered only when the level
    // writes it: at warn and above a request then costs no logging work at all.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const router = new FhirRouter(repo, {
    validator: new ResourceValidator({ level: options.validation }),
    options,
    conformance: new ConformanceRegistry(repo, codeLists?.resources),
  });
  if (codeLists) app.log.info({ dir: codeLists.dir, ...codeLists.counts, imports: codeLists.provenance }, 'terminology folder loaded');
  // SearchParameter resources stored earlier: pending until their types are reindexed (in the background)
  await loadCustomParameters(repo);
  if (pendingParameters().urls.length > 0) {
    const reindexing = reindexPending(repo).then(
      (r) => app.log.info({ resources: r.count, ready: r.ready }, 'custom search parameters reindexed'),
      (err) => app.log.error({ err }, 'reindex of custom search parameters failed; they stay pending'),
    );
    app.addHook('onClose', async () => {
      await reindexing;
    });
  }
  fast.router = router;
  // One access line per request at info, by the onResponse hook below or by the fast path itself
  fast.log = accessLogger(app.log, logger !== false);
  app.addHook('preClose', (done) => {
    fast.closing = true;
    done();
  });
  app.decorate('repo', repo);
  app.decorate('fhir', router);
  app.addHook('onClose', async () => {
    await repo.close();
  });
  if (fast.log !== undefined) {
    app.addHook('onResponse', (req, reply, done) => {
      req.log.info({ req, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
      done();
    });
  }
  registerContentTypes(app);
  registerErrorHandling(app);
  // Health for load balancers and the Docker HEALTHCHECK: answers 200 only when the store answers a query.
  app.get('/healthz', async (req, reply) => {
    try {
      await repo.search({ resourceType: 'Patient', filters: [{ kind: 'id', values: ['healthz'] }], sort: [], count: 0, offset: 0, total: false });
      return { status: 'ok', store: repo.kind };
    } catch (err) {
      req.log.error({ err }, 'health check: store unavailable');
      return reply.code(503).send({ status: 'unavailable', store: repo.kind });
    }
  });
  registerFhirRoutes(app, router, options.baseUrl);
  return app;
}
