package dev.tracing.local.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.local.LocalStack;
import dev.tracing.local.web.SampleTraces.Sent;
import dev.tracing.local.web.SampleTraces.TraceBuilder;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.rollup.DurationHistogram;
import io.opentelemetry.proto.trace.v1.Span;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Services page in headless Chromium against the real local stack: traces crossing
 * frontend → checkout → payment (some failing) are sent through the ingest endpoint; the table
 * shows each service's rate, error rate and durations, sorts, opens a service's operations and
 * the traces list filtered; the map (Cytoscape.js and dagre, served by the stack itself) draws the
 * services and the calls between them, and its nodes and edges open the traces list. Every
 * expected figure is worked out from what the test sent. Screenshots go to target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServicesUiTest {
  static LocalStack stack;
  static Project project;
  static String token;
  static final SampleTraces shop = new SampleTraces();
  static Browser browser;
  static String base;

  /**
   * Four checkouts (frontend POST /checkout → checkout PlaceOrder → checkout ReserveStock and
   * payment Charge; the second's charge and root fail, the third's charge fails) and two cart
   * reads (frontend GET /cart → checkout GetCart, no errors), 7 to 16 minutes
   * ago. Every span of a service lasts as long as the others of its kind, so each percentile is
   * one duration whatever the rank: frontend 300 ms, checkout 250 ms (and 40 ms for the four
   * ReserveStock, below its median), payment 120 ms; the page shows them as the API's duration
   * histogram reports them ({@link #shown}).
   */
  static void sendShop(URI ingest, String token, Instant now) {
    for (int i = 0; i < 4; i++) {
      TraceBuilder t = new TraceBuilder(now.minusSeconds(420L + i * 120));
      Span.Builder root = t.span(0, "frontend", "POST /checkout", 0, 300);
      Span.Builder place = t.span(TraceBuilder.id(root), "checkout", "PlaceOrder", 5, 250);
      t.span(TraceBuilder.id(place), "checkout", "ReserveStock", 10, 40);
      Span.Builder charge = t.span(TraceBuilder.id(place), "payment", "Charge", 60, 120);
      charge.setKind(Span.SpanKind.SPAN_KIND_CLIENT);
      if (i == 1) {
        TraceBuilder.fail(charge, "card declined by issuer");
        TraceBuilder.fail(root, "payment required");
      }
      if (i == 2) {
        TraceBuilder.fail(charge, "provider timed out");
      }
      shop.send(ingest, token, t);
    }
    for (int i = 0; i < 2; i++) {
      TraceBuilder t = new TraceBuilder(now.minusSeconds(500L + i * 400));
      Span.Builder root = t.span(0, "frontend", "GET /cart", 0, 300);
      t.span(TraceBuilder.id(root), "checkout", "GetCart", 5, 250);
      shop.send(ingest, token, t);
    }
  }

  static final String FRONTEND = shown(300);
  static final String CHECKOUT = shown(250);
  static final String RESERVE = shown(40);
  static final String PAYMENT = shown(120);

  /**
   * A duration of 10 to 999 ms as the page shows the API's percentile of it: the value of its
   * histogram bucket (within 2 %), formatted as the page formats durations.
   */
  static String shown(long ms) {
    long nanos = DurationHistogram.valueOf(DurationHistogram.bucketOf(ms * 1_000_000));
    assertTrue(Math.abs(nanos - ms * 1e6) <= DurationHistogram.RELATIVE_ERROR * ms * 1e6, ms + " ms reported as " + nanos + " ns");
    double v = nanos / 1e6;
    return (v >= 100 ? String.valueOf(Math.round(v))
        : BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()) + " ms";
  }

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    ProjectAdmin admin = stack.admin();
    project = admin.createProject(21, "shop");
    token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "web-test", null).secret();
    sendShop(URI.create(stack.ingestUrl(project)), token, Instant.now());
    base = stack.baseUri() + "/";
    browser = new Browser(1280, 860);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  @AfterEach
  void noScriptErrors() {
    List<String> errors = browser.consoleErrors();
    assertTrue(errors.isEmpty(), "the page logged errors: " + errors);
  }

  static String servicesUrl(String params) {
    return base + "#/projects/" + project.projectId() + "/services" + (params.isEmpty() ? "" : "?" + params);
  }

  static void awaitReady(Browser b) {
    b.await("the services page answered", d -> !b.all(".services-screen[data-state='ready']").isEmpty());
  }

  /** The names of the table's rows, top to bottom, read in one go. */
  @SuppressWarnings("unchecked")
  static List<String> rowNames(Browser b) {
    return (List<String>) b.js("return [...document.querySelectorAll('#services-table tbody tr')].map(r => r.dataset.name)");
  }

  static void awaitRows(String what, List<String> expected) {
    try {
      browser.await(what + ": expected rows " + expected, d -> rowNames(browser).equals(expected)
          && !browser.all(".services-screen[data-state='ready']").isEmpty());
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": expected rows " + expected + " but the table shows " + rowNames(browser), e);
    }
  }

  /** A row's cells as shown: rate, its span count, error rate, error count, p50, p95, p99. */
  static List<String> cells(String name) {
    WebElement row = browser.find("#services-table tr[data-name='" + name + "']");
    return List.of(
        row.findElement(By.cssSelector(".c-rate .fig")).getText(),
        row.findElement(By.cssSelector(".c-rate .sub")).getText(),
        row.findElement(By.cssSelector(".c-errors .fig")).getText(),
        row.findElement(By.cssSelector(".c-errors .sub")).getText(),
        row.findElement(By.cssSelector(".c-p50")).getText(),
        row.findElement(By.cssSelector(".c-p95")).getText(),
        row.findElement(By.cssSelector(".c-p99")).getText());
  }

  @SuppressWarnings("unchecked")
  static List<String> traceRows() {
    return (List<String>) browser.js("return [...document.querySelectorAll('#traces-table tbody tr')].map(r => r.dataset.traceId)");
  }

  /** Waits for the traces list to show exactly the traces a filter must match, newest first. */
  static void awaitTraces(String what, Predicate<Sent> filter) {
    List<String> expected = shop.expected(filter, "timestamp_desc");
    try {
      browser.await(what, d -> traceRows().equals(expected) && !browser.all(".traces-screen[data-state='ready']").isEmpty());
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": expected traces " + expected + " but the list shows " + traceRows(), e);
    }
  }

  static List<String> filterTokens() {
    return browser.all(".fb-token").stream().map(t -> t.getText().replace("×", "").replaceAll("\\s+", " ").trim()).toList();
  }

  @Test
  @Order(1)
  void theTableShowsEachServicesRateErrorsAndDurations() {
    browser.open(servicesUrl("period=1h"));
    browser.signIn(project.projectId(), token);
    // Busiest first: checkout has 10 spans (4 PlaceOrder, 4 ReserveStock, 2 GetCart), frontend 6, payment 4.
    awaitRows("services by rate", List.of("checkout", "frontend", "payment"));
    // Rates are spans per second over the hour: 10/3600, 6/3600, 4/3600.
    assertEquals(List.of("0.0028/s", "10 spans", "0%", "no errors", CHECKOUT, CHECKOUT, CHECKOUT), cells("checkout"));
    assertEquals(List.of("0.0017/s", "6 spans", "17%", "1 error", FRONTEND, FRONTEND, FRONTEND), cells("frontend"));
    assertEquals(List.of("0.0011/s", "4 spans", "50%", "2 errors", PAYMENT, PAYMENT, PAYMENT), cells("payment"));
    assertTrue(browser.find("#services-summary").getText().startsWith("3 services · 20 spans"), browser.find("#services-summary").getText());
    assertEquals("Services", browser.find(".topbar-nav a[aria-current='page']").getText());

    for (String name : List.of("checkout", "frontend", "payment")) {
      int bars = browser.all("#services-table tr[data-name='" + name + "'] svg.sparkline rect.spark-spans").size();
      int errorBars = browser.all("#services-table tr[data-name='" + name + "'] svg.sparkline rect.spark-errors").size();
      assertTrue(bars >= 1, name + ": a bar per interval with spans, got " + bars);
      assertEquals(name.equals("checkout"), errorBars == 0, name + ": red bars where there were errors, got " + errorBars);
    }
    browser.screenshot("services-01-table");
  }

  @Test
  @Order(2)
  void everyColumnSorts() {
    browser.click("th button[data-sort='errors']");
    awaitRows("highest error rate first", List.of("payment", "frontend", "checkout"));
    assertTrue(browser.hash().contains("sort=errors_desc"), browser.hash());
    browser.click("th button[data-sort='errors']");
    awaitRows("lowest error rate first", List.of("checkout", "frontend", "payment"));
    browser.click("th button[data-sort='p95']");
    awaitRows("slowest p95 first", List.of("frontend", "checkout", "payment"));
    browser.click("th button[data-sort='name']");
    awaitRows("by name", List.of("checkout", "frontend", "payment"));
    assertEquals("ascending", browser.find("th.c-name").getAttribute("aria-sort"));
    browser.driver.navigate().back();
    awaitRows("back: slowest p95 first", List.of("frontend", "checkout", "payment"));
    browser.click("th button[data-sort='rate']");
    awaitRows("busiest first again", List.of("checkout", "frontend", "payment"));
    assertEquals("#/projects/" + project.projectId() + "/services?period=1h", browser.hash());
  }

  @Test
  @Order(3)
  void aServiceOpensItsOperationsAndEachRowItsTraces() {
    browser.click("#services-table tr[data-name='checkout'] .svc-name");
    awaitRows("checkout's operations", List.of("PlaceOrder", "ReserveStock", "GetCart"));
    assertTrue(browser.hash().contains("service_name=checkout"), browser.hash());
    assertEquals("checkoutoperations", browser.find("#services-title").getText().replaceAll("\\s+", ""));
    assertEquals(List.of("0.0011/s", "4 spans", "0%", "no errors", CHECKOUT, CHECKOUT, CHECKOUT), cells("PlaceOrder"));
    assertEquals(List.of("0.0011/s", "4 spans", "0%", "no errors", RESERVE, RESERVE, RESERVE), cells("ReserveStock"));
    assertEquals(List.of("0.00056/s", "2 spans", "0%", "no errors", CHECKOUT, CHECKOUT, CHECKOUT), cells("GetCart"));
    browser.screenshot("services-02-operations");

    browser.click("#services-table tr[data-name='GetCart'] .svc-name");
    awaitTraces("the traces with checkout's GetCart", t -> t.name().equals("GET /cart"));
    assertEquals("#/projects/" + project.projectId() + "/traces?period=1h&service_name=checkout&operation=GetCart", browser.hash());
    assertEquals(List.of("Service = checkout", "Operation = GetCart"), filterTokens());
    browser.screenshot("services-03-operation-traces");

    browser.driver.navigate().back();
    awaitRows("back to checkout's operations", List.of("PlaceOrder", "ReserveStock", "GetCart"));
    browser.click("#all-services");
    awaitRows("all services", List.of("checkout", "frontend", "payment"));
    browser.click("#services-table tr[data-name='payment'] .svc-traces");
    awaitTraces("the traces through payment", t -> t.services().contains("payment"));
    assertEquals(List.of("Service = payment"), filterTokens());
    assertTrue(browser.hash().contains("period=1h"), browser.hash());
  }

  /** The map's figures as Cytoscape holds them (what is drawn, not what was asked for). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> drawn() {
    return (Map<String, Object>) browser.js("""
        const box = document.getElementById('service-map');
        const cy = box.cy;
        let painted = 0;
        for (const c of box.querySelectorAll('canvas')) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
        }
        const inside = cy.nodes().every((n) => {
          const b = n.renderedBoundingBox();
          return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= cy.width() && b.y2 <= cy.height();
        });
        return {
          nodes: cy.nodes().map((n) => n.id()).sort(),
          edges: cy.edges().map((e) => e.source().id() + '>' + e.target().id() + ':' + e.data('edge').call_count
            + '/' + e.data('edge').error_count).sort(),
          red: cy.elements('.errors').map((e) => e.id()).sort(),
          paymentBorder: cy.$id('payment').style('border-color'),
          checkoutBorder: cy.$id('checkout').style('border-color'),
          widthFrontend: parseFloat(cy.$id('frontend\\u2192checkout').style('width')),
          widthPayment: parseFloat(cy.$id('checkout\\u2192payment').style('width')),
          inside, painted,
        };""");
  }

  /** Moves the mouse to a point of the map given in Cytoscape's rendered coordinates. */
  static Actions pointAt(Map<String, Object> point) {
    WebElement box = browser.find("#service-map");
    int dx = (int) Math.round(((Number) point.get("x")).doubleValue() - box.getSize().getWidth() / 2.0);
    int dy = (int) Math.round(((Number) point.get("y")).doubleValue() - box.getSize().getHeight() / 2.0);
    return new Actions(browser.driver).moveToElement(box, dx, dy);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> rendered(String script) {
    return (Map<String, Object>) browser.js("const cy = document.getElementById('service-map').cy; return " + script);
  }

  @Test
  @Order(4)
  void theMapDrawsTheServicesAndTheCallsBetweenThem() {
    browser.open(servicesUrl("period=1h"));
    awaitRows("services", List.of("checkout", "frontend", "payment"));
    browser.click("#tab-map");
    // the map is ready once laid out; its canvas is painted at a later frame
    browser.await("the map drawn and painted", d -> !browser.all(".service-map[data-state='ready']").isEmpty()
        && ((Number) drawn().get("painted")).intValue() > 2000);
    assertTrue(browser.hash().contains("view=map"), browser.hash());
    assertEquals("true", browser.find("#tab-map").getAttribute("aria-selected"));

    Map<String, Object> map = drawn();
    assertEquals(List.of("checkout", "frontend", "payment"), map.get("nodes"));
    // frontend → checkout: 4 PlaceOrder and 2 GetCart; checkout → payment: 4 Charge, 2 failed.
    // ReserveStock's parent is in checkout too: no edge.
    assertEquals(List.of("checkout>payment:4/2", "frontend>checkout:6/0"), map.get("edges"));
    assertEquals(List.of("checkout\u2192payment", "frontend", "payment"), map.get("red"),
        "the nodes and edges with errors are marked, and only those");
    assertEquals("rgb(210,54,43)", map.get("paymentBorder"));
    assertEquals("rgb(91,123,213)", map.get("checkoutBorder"));
    assertTrue(((Number) map.get("widthFrontend")).doubleValue() > ((Number) map.get("widthPayment")).doubleValue(),
        "6 calls draw a thicker line than 4: " + map);
    assertEquals(Boolean.TRUE, map.get("inside"), "every node is inside the visible map: " + map);
    assertTrue(((Number) map.get("painted")).intValue() > 2000, "the canvas is painted: " + map);

    List<String> calls = browser.all("#calls-table tbody tr").stream().map(r -> r.getText().replaceAll("\\s+", " ")).toList();
    assertEquals(List.of("frontend → checkout 6 0 " + CHECKOUT + " " + CHECKOUT, "checkout → payment 4 2 " + PAYMENT + " " + PAYMENT), calls);
    browser.screenshot("services-04-map");

    Map<String, Object> mid = rendered("cy.$id('checkout\\u2192payment').renderedMidpoint()");
    pointAt(mid).perform();
    browser.await("the call's figures on hover", d -> browser.find("#map-details").getText()
        .startsWith("checkout → payment: 4 calls, 2 errors, p50 " + PAYMENT + ", p95 " + PAYMENT));
    browser.screenshot("services-05-map-hover");
    pointAt(mid).click().perform();
    awaitTraces("a call opens the traces of its callee", t -> t.services().contains("payment"));
    assertEquals(List.of("Service = payment"), filterTokens());

    browser.driver.navigate().back();
    browser.await("the map again", d -> !browser.all(".service-map[data-state='ready']").isEmpty());
    Map<String, Object> node = rendered("cy.$id('checkout').renderedPosition()");
    pointAt(node).click().perform();
    awaitTraces("a service opens its traces", t -> t.services().contains("checkout"));
    assertEquals("#/projects/" + project.projectId() + "/traces?period=1h&service_name=checkout", browser.hash());
  }

  @Test
  @Order(5)
  void aWindowWithoutSpansSaysSo() {
    // The closest trace started 7 minutes ago.
    browser.open(servicesUrl("period=5m"));
    WebElement empty = browser.awaitVisible("#services-empty");
    assertTrue(empty.getText().contains("No spans in this time range (last 5 minutes)."), empty.getText());
    assertTrue(rowNames(browser).isEmpty());
    browser.screenshot("services-06-empty");
    browser.find("#services-empty button").click();
    awaitRows("the last 7 days", List.of("checkout", "frontend", "payment"));
    assertTrue(browser.hash().contains("period=7d"), browser.hash());

    browser.open(servicesUrl("period=5m&view=map"));
    browser.awaitVisible("#services-empty");
    assertTrue(browser.find("#service-map").findElements(By.tagName("canvas")).isEmpty()
        || !browser.find(".service-map").isDisplayed(), "no map drawn for an empty window");
  }

  @Test
  @Order(6)
  void onNarrowScreensNothingScrollsSideways() {
    try (Browser narrow = new Browser(1280, 860)) {
      narrow.open(servicesUrl("period=1h"));
      narrow.signIn(project.projectId(), token);
      for (int width : new int[] {400, 360}) {
        narrow.viewport(width, 860); // the headless window itself is at least 500 px wide
        narrow.open(servicesUrl("period=1h"));
        narrow.await("rows at " + width + " px", d -> rowNames(narrow).equals(List.of("checkout", "frontend", "payment")));
        awaitReady(narrow);
        assertEquals((long) width, narrow.js("return window.innerWidth"));
        assertEquals(0L, sideways(narrow), "the table fits " + width + " px");
        assertEquals(Boolean.TRUE, narrow.js("""
            const links = [...document.querySelectorAll('.topbar-nav a')];
            const nav = document.querySelector('.topbar-nav').getBoundingClientRect();
            return links.map((a) => a.textContent).join() === 'Traces,Services'
              && links.every((a) => a.getBoundingClientRect().right <= nav.right + 0.5);"""),
            "both top bar links shown whole at " + width + " px");
        narrow.screenshot("services-07-table-" + width + "px");

        narrow.click("#tab-map");
        narrow.await("the map drawn at " + width + " px", d -> !narrow.all(".service-map[data-state='ready']").isEmpty());
        assertEquals(0L, sideways(narrow), "the map fits " + width + " px");
        assertEquals(Boolean.TRUE, narrow.js("""
            const cy = document.getElementById('service-map').cy;
            return cy.nodes().length === 3 && cy.nodes().every((n) => {
              const b = n.renderedBoundingBox();
              return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= cy.width() && b.y2 <= cy.height();
            });"""), "the three services are inside the map at " + width + " px");
        narrow.screenshot("services-08-map-" + width + "px");
      }
      List<String> errors = narrow.consoleErrors();
      assertTrue(errors.isEmpty(), "the page logged errors: " + errors);
    }
  }

  @Test
  @Order(7)
  void thePagesFiguresOnHandPickedValues() {
    browser.open(base);
    Object result = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        Promise.all([import('./js/services/figures.js'), import('./js/services/query.js')])
          .then(([f, q]) => {
            const bins = f.binSeries([{ interval: 1020, span_count: 2, error_count: 1 }, { interval: 1200, span_count: 3, error_count: 0 }],
              60, 1000, 1300);
            const long = f.binSeries(Array.from({ length: 120 }, (_, i) => ({ interval: i * 60, span_count: 1, error_count: 0 })), 60, 0, 7200);
            const rows = [{ name: 'a', span_count: 0, error_count: 0, p95_duration_nano: null },
              { name: 'b', span_count: 4, error_count: 2, p95_duration_nano: 5 }, { name: 'c', span_count: 9, error_count: 0, p95_duration_nano: 9 }];
            const state = q.fromParams(new URLSearchParams('period=4h&service_name=checkout&view=map&sort=p95_asc'));
            done(JSON.stringify({
              intervals: bins.map((b) => b.interval), spans: bins.map((b) => b.span_count), errors: bins.map((b) => b.error_count),
              longBars: long.length, longSpans: long.reduce((n, b) => n + b.span_count, 0),
              rates: [0, 3 / 3600, 0.042, 2.5, 12.34, 1234].map(f.formatRate),
              errorRates: [[0, 0], [6, 1], [1000, 3], [4, 2], [100, 5], [1000, 35]]
                .map(([span_count, error_count]) => f.formatErrorRate({ span_count, error_count })),
              p95Desc: q.sortRows(rows, { key: 'p95', dir: 'desc' }).map((r) => r.name),
              p95Asc: q.sortRows(rows, { key: 'p95', dir: 'asc' }).map((r) => r.name),
              errorsDesc: q.sortRows(rows, { key: 'errors', dir: 'desc' }).map((r) => r.name),
              state: [state.period, state.service, state.view, state.sort.key, state.sort.dir],
              roundTrip: q.toParams(state).toString(),
              unknownSort: q.fromParams(new URLSearchParams('sort=bogus_desc')).sort,
              traces: q.tracesListParams({ period: null, start: '2026-11-24T10:00:00Z', end: '2026-11-24T11:00:00Z' }, 'checkout', 'GetCart').toString(),
              window: [q.windowSeconds(state), q.windowSeconds({ start: '2026-11-24T10:00:00Z', end: '2026-11-24T10:30:00Z' })],
            }));
          })
          .catch((e) => done('failed: ' + e));
        """);
    JsonNode r = JsonMapper.builder().build().readTree((String) result);
    assertEquals("[960,1020,1080,1140,1200,1260]", r.get("intervals").toString(), "the window on the interval grid");
    assertEquals("[0,2,0,0,3,0]", r.get("spans").toString(), "intervals the API left out had no spans");
    assertEquals("[0,1,0,0,0,0]", r.get("errors").toString());
    assertEquals(60, r.get("longBars").asInt(), "120 intervals merged two by two");
    assertEquals(120, r.get("longSpans").asInt(), "merging keeps every span");
    assertEquals("[\"0/s\",\"0.00083/s\",\"0.042/s\",\"2.5/s\",\"12.3/s\",\"1,234/s\"]", r.get("rates").toString());
    assertEquals("[\"–\",\"17%\",\"0.3%\",\"50%\",\"5%\",\"3.5%\"]", r.get("errorRates").toString());
    assertEquals("[\"c\",\"b\",\"a\"]", r.get("p95Desc").toString(), "a missing percentile sorts last");
    assertEquals("[\"b\",\"c\",\"a\"]", r.get("p95Asc").toString(), "a missing percentile sorts last either way");
    assertEquals("[\"b\",\"c\",\"a\"]", r.get("errorsDesc").toString(), "no spans, no error rate: last");
    assertEquals("[\"4h\",\"checkout\",\"map\",\"p95\",\"asc\"]", r.get("state").toString());
    assertEquals("period=4h&service_name=checkout&view=map&sort=p95_asc", r.get("roundTrip").asText());
    assertEquals("{\"key\":\"rate\",\"dir\":\"desc\"}", r.get("unknownSort").toString());
    assertEquals("start_time=2026-11-24T10%3A00%3A00Z&end_time=2026-11-24T11%3A00%3A00Z&service_name=checkout&operation=GetCart",
        r.get("traces").asText());
    assertEquals("[14400,1800]", r.get("window").toString());
  }

  /** How far the page scrolls sideways, in pixels. */
  static long sideways(Browser b) {
    return ((Number) b.js("return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)")).longValue();
  }
}
