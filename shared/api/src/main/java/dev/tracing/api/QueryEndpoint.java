package dev.tracing.api;

import dev.tracing.ingest.IngestLimiter;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.query.InvalidParameterException;
import dev.tracing.query.PageToken;
import dev.tracing.query.ServiceMap;
import dev.tracing.query.ServiceMetrics;
import dev.tracing.query.ServiceQuery;
import dev.tracing.query.TraceAnalytics;
import dev.tracing.query.TraceListService;
import dev.tracing.query.TraceQuery;
import dev.tracing.query.TraceQueryParser;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.ReadCapacity;
import dev.tracing.storage.ServiceCatalog;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.view.QueryJson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The list-traces function's routes: the traces list, analytics, services, operations, service
 * metrics, the service map and project info ({@code GET /v3/query/{projectId}/...}). Every answer
 * carries {@code X-Read-Units}: the read capacity the request consumed.
 */
public final class QueryEndpoint {
  public static final String READ_UNITS = "X-Read-Units";
  private final TraceListService list;
  private final TraceAnalytics analytics;
  private final ServiceMetrics metrics;
  private final ServiceMap serviceMap;
  private final ReadCapacity capacity;
  private final ServiceCatalog catalog;
  private final ProjectStore projects;
  private final IngestLimiter limiter;
  private final Duration retention;
  private final Clock clock;
  private final int pageBudget;
  private final PageToken pageTokens;

  public QueryEndpoint(TraceListService list, TraceAnalytics analytics, ServiceMetrics metrics, ServiceMap serviceMap,
                       ServiceCatalog catalog, ProjectStore projects, IngestLimiter limiter, ReadCapacity capacity,
                       Duration retention, Clock clock, int pageBudget, PageToken pageTokens) {
    this.list = list;
    this.analytics = analytics;
    this.metrics = metrics;
    this.serviceMap = serviceMap;
    this.capacity = capacity;
    this.catalog = catalog;
    this.projects = projects;
    this.limiter = limiter;
    this.retention = retention;
    this.clock = clock;
    this.pageBudget = pageBudget;
    this.pageTokens = pageTokens;
  }

  public ApiResponse handle(ApiRequest request) {
    try (ReadCapacity.Tally tally = capacity.start()) {
      ApiResponse response = route(request);
      return response.withHeader(READ_UNITS, ReadCapacity.format(tally.units()));
    }
  }

  private ApiResponse route(ApiRequest request) {
    Long projectId = PathIds.parse(request.pathParameter("projectId"));
    if (projectId == null) {
      return ApiError.invalidParameter("projectId must be a positive decimal integer of at most 18 digits");
    }
    Route route = ROUTES.get(request.routePattern());
    if (route == null) {
      return ApiError.notFound("no route " + request.routeKey() + " in the list-traces function: its routes are "
          + String.join(", ", ROUTES.keySet()));
    }
    RouteAccess.Decision access = RouteAccess.check(request, route == Route.PROJECT ? Scope.READ_API : Scope.READ_OBSERVABILITY,
        projectId, null);
    if (!access.allowed()) {
      return access.denial();
    }
    try {
      Map<String, List<String>> params = params(request);
      switch (route) {
        case PROJECT -> {
          TraceQueryParser.parseNoParams(params);
          return project(projectId);
        }
        case OPERATIONS -> {
          TraceQueryParser.parseNoParams(params);
          String service = request.pathParameter("serviceName");
          return ApiResponse.json(200, QueryJson.names("operations", catalog.operations(projectId, service)));
        }
        case SERVICES -> {
          TraceQueryParser.parseNoParams(params);
          return ApiResponse.json(200, QueryJson.names("services", catalog.services(projectId)));
        }
        case METRICS -> {
          ServiceQuery q = ServiceQuery.parseMetrics(params, clock.instant());
          return ApiResponse.json(200, QueryJson.serviceMetrics(projectId, metrics.compute(projectId, q)));
        }
        case MAP -> {
          ServiceQuery q = ServiceQuery.parseMap(params, clock.instant());
          return ApiResponse.json(200, QueryJson.serviceMap(projectId, serviceMap.compute(projectId, q)));
        }
        case ANALYTICS -> {
          TraceQuery q = TraceQueryParser.parseAnalytics(params, projectId, clock.instant());
          return ApiResponse.json(200, QueryJson.analytics(projectId, analytics.compute(projectId, q)));
        }
        case TRACES -> {
          TraceQuery q = TraceQueryParser.parseList(params, projectId, clock.instant(), pageTokens);
          TraceListService.Page page = list.list(projectId, q);
          String token = page.nextCursor() == null ? null
              : pageTokens.encode(projectId, q.fingerprint(), q.startNano(), q.endNano(), page.nextCursor());
          return ApiResponse.json(200, QueryJson.traces(projectId, page, token, pageBudget));
        }
        default -> throw new IllegalStateException("unrouted " + route);
      }
    } catch (InvalidParameterException e) {
      return ApiError.invalidParameter(e.getMessage());
    } catch (StoreUnavailableException e) {
      return ApiError.unavailable(2);
    }
  }

  /** This function's routes, by the path of their route key (as template.yaml declares them). */
  private enum Route { PROJECT, TRACES, ANALYTICS, SERVICES, OPERATIONS, METRICS, MAP }

  private static final Map<String, Route> ROUTES = routes();

  private static Map<String, Route> routes() {
    Map<String, Route> r = new java.util.LinkedHashMap<>();
    r.put("/v3/query/{projectId}", Route.PROJECT);
    r.put("/v3/query/{projectId}/traces", Route.TRACES);
    r.put("/v3/query/{projectId}/traces/analytics", Route.ANALYTICS);
    r.put("/v3/query/{projectId}/services", Route.SERVICES);
    r.put("/v3/query/{projectId}/services/{serviceName}/operations", Route.OPERATIONS);
    r.put("/v3/query/{projectId}/services/metrics", Route.METRICS);
    r.put("/v3/query/{projectId}/services/map", Route.MAP);
    return java.util.Collections.unmodifiableMap(r);
  }

  private static Map<String, List<String>> params(ApiRequest request) {
    try {
      return request.queryParameters();
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException("query", "the query string is not valid URL encoding: " + e.getMessage());
    }
  }

  private ApiResponse project(long projectId) {
    Optional<Project> project = projects.find(projectId);
    if (project.isEmpty()) {
      return ApiError.notFound("project " + projectId + " does not exist");
    }
    return ApiResponse.json(200, QueryJson.project(project.get(), limiter.usedThisMinute(projectId), retention.toDays()));
  }
}
