package dev.tracing.local.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.local.LocalStack;
import dev.tracing.local.web.SampleTraces.Sent;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web frontend in headless Chromium against the real local stack, with the shop's traces
 * sent through the ingest endpoint: sign in, filter, sort, page, open a trace and a span, follow
 * links and a shared link, the empty project and the revoked token. Screenshots of each screen go
 * to target/screenshots/. The tests run in order on one browser, as one person's session.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracesUiTest {
  static LocalStack stack;
  static Project project;
  static ProjectAdmin.CreatedToken token;
  static final SampleTraces shop = new SampleTraces();
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    ProjectAdmin admin = stack.admin();
    project = admin.createProject(7, "shop");
    token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "web-test", null);
    shop.sendShop(java.net.URI.create(stack.ingestUrl(project)), token.secret(), Instant.now());
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

  static String listUrl(long projectId, String params) {
    return base + "#/projects/" + projectId + "/traces" + (params.isEmpty() ? "" : "?" + params);
  }

  static String traceUrl(String traceId, String params) {
    return base + "#/projects/" + project.projectId() + "/traces/" + traceId + (params.isEmpty() ? "" : "?" + params);
  }

  /** The trace ids of the rows, read in one go (the list re-renders as pages arrive). */
  @SuppressWarnings("unchecked")
  static List<String> rowIds() {
    return (List<String>) browser.js("return [...document.querySelectorAll('#traces-table tbody tr')].map(r => r.dataset.traceId)");
  }

  /** Waits until the list shows exactly these traces, in this order. */
  static void awaitRows(String what, List<String> expected) {
    try {
      browser.await(what + ": expected rows " + expected, d -> rowIds().equals(expected) && !busy());
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": expected rows " + expected + " but the list shows " + rowIds(), e);
    }
  }

  /** Until the list and its charts have both answered (rows re-render when the charts' figures arrive). */
  static boolean busy() {
    return browser.all(".traces-screen[data-state='ready']").isEmpty();
  }

  static List<String> all(String sort) {
    return shop.expected(t -> true, sort);
  }

  static void signIn(long projectId, String secret) {
    browser.signIn(projectId, secret);
  }

  static void filter(String typed) {
    WebElement input = browser.find(".fb-input");
    input.click();
    input.sendKeys(typed);
    input.sendKeys(Keys.ENTER);
  }

  static void clickOption(String label) {
    browser.await("suggestion '" + label + "'", d -> d.findElements(By.cssSelector(".fb-option .fb-o-label")).stream()
        .filter(o -> o.isDisplayed() && o.getText().equals(label)).findFirst().orElse(null)).click();
  }

  static List<String> tokens() {
    return browser.all(".fb-token").stream().map(t -> t.getText().replace("×", "").replaceAll("\\s+", " ").trim()).toList();
  }

  @Test
  @Order(1)
  void signInShowsTheNewestTracesFirst() {
    browser.open(base);
    browser.awaitVisible("#signin-token");
    browser.screenshot("01-sign-in");
    signIn(project.projectId(), token.secret());

    awaitRows("all traces, newest first", all("timestamp_desc"));
    assertTrue(browser.hash().startsWith("#/projects/" + project.projectId() + "/traces"), browser.hash());
    browser.awaitVisible(".chart-card .uplot");
    Sent running = shop.traces.stream().filter(Sent::inProgress).findFirst().orElseThrow();
    WebElement runningRow = browser.find("tr[data-trace-id='" + running.id() + "']");
    assertTrue(runningRow.getText().contains("In progress"), runningRow.getText());
    Sent slow = shop.byName("POST /checkout", t -> t.durationNano() > 2_000_000_000L);
    WebElement slowRow = browser.find("tr[data-trace-id='" + slow.id() + "']");
    assertEquals("2.62 s", slowRow.findElement(By.cssSelector(".dur-value")).getText());
    assertEquals("frontend", slowRow.findElement(By.cssSelector(".c-service")).getText());
    assertTrue(browser.find("#list-summary").getText().startsWith(shop.traces.size() + " of " + shop.traces.size() + " traces"),
        browser.find("#list-summary").getText());
    browser.screenshot("02-traces-list");
  }

  @Test
  @Order(2)
  void filtersNarrowTheListAndLiveInTheUrl() {
    browser.find(".fb-input").click();
    clickOption("Service");
    clickOption("=");
    browser.await("service suggestions from the services endpoint", d -> browser.all(".fb-option .fb-o-label").stream()
        .anyMatch(o -> o.getText().equals("payment")));
    browser.screenshot("03-filter-suggestions");
    clickOption("payment");
    Predicate<Sent> payment = t -> t.services().contains("payment");
    awaitRows("service = payment", shop.expected(payment, "timestamp_desc"));
    assertTrue(browser.hash().contains("service_name=payment"), browser.hash());

    filter("status=error");
    awaitRows("service = payment and status = error", shop.expected(payment.and(Sent::hasError), "timestamp_desc"));
    assertEquals(List.of("Service = payment", "Status = error"), tokens());
    browser.screenshot("04-filtered");

    browser.click(".fb-clear");
    awaitRows("no filter", all("timestamp_desc"));
    filter("attribute=payment.provider=acme");
    awaitRows("attribute payment.provider=acme",
        shop.expected(t -> "acme".equals(t.attributes().get("payment.provider")), "timestamp_desc"));

    browser.click(".fb-clear");
    awaitRows("no filter", all("timestamp_desc"));
    WebElement input = browser.find(".fb-input");
    input.click();
    input.sendKeys("Duration", Keys.ENTER);
    input.sendKeys(Keys.ENTER);
    input.sendKeys("1000", Keys.ENTER);
    Predicate<Sent> slow = t -> t.durationNano() > 1_000_000_000L;
    awaitRows("duration > 1000 ms", shop.expected(slow, "timestamp_desc"));
    assertEquals(List.of("Duration > 1000 ms"), tokens());
    assertTrue(browser.hash().contains("gt%5Bduration_nano%5D=1000000000") || browser.hash().contains("gt[duration_nano]=1000000000"),
        browser.hash());

    browser.click(".fb-clear");
    filter("service!=frontend");
    Predicate<Sent> noFrontend = t -> !t.services().contains("frontend");
    awaitRows("service != frontend", shop.expected(noFrontend, "timestamp_desc"));

    browser.driver.navigate().back();
    awaitRows("back: no filter", all("timestamp_desc"));
    browser.driver.navigate().back();
    awaitRows("back again: duration > 1000 ms", shop.expected(slow, "timestamp_desc"));
    assertEquals(List.of("Duration > 1000 ms"), tokens());
    browser.driver.navigate().forward();
    browser.driver.navigate().forward();
    awaitRows("forward twice: service != frontend", shop.expected(noFrontend, "timestamp_desc"));
    assertEquals(List.of("Service != frontend"), tokens());
    browser.click(".fb-clear");
    awaitRows("no filter", all("timestamp_desc"));
  }

  @Test
  @Order(3)
  void sortingBySlowestFirstPutsTheSlowRequestOnTop() {
    new Select(browser.find("#sort")).selectByValue("duration_desc");
    awaitRows("slowest first", all("duration_desc"));
    WebElement top = browser.find("#traces-table tbody tr");
    assertEquals("POST /checkout", top.findElement(By.cssSelector(".row-link")).getText());
    assertFalse(top.findElements(By.cssSelector(".dur-ratio.hot")).isEmpty(), "the slowest trace is marked against the median");
    assertTrue(browser.hash().contains("sort=duration_desc"), browser.hash());
    browser.screenshot("05-slowest-first");

    browser.click("th.c-duration .th-sort");
    awaitRows("fastest first (header toggled)", all("duration_asc"));
    browser.click("th.c-time .th-sort");
    awaitRows("newest first (time header)", all("timestamp_desc"));
  }

  @Test
  @Order(4)
  void timeRangePresetsAndChartZoomNarrowTheList() {
    browser.open(listUrl(project.projectId(), ""));
    awaitRows("all traces", all("timestamp_desc"));
    new Select(browser.find("#time-range")).selectByValue("15m");
    long now = dev.tracing.testing.OtlpFixtures.nanos(Instant.now());
    awaitRows("last 15 minutes", shop.expected(t -> t.startNano() >= now - 15 * 60 * 1_000_000_000L, "timestamp_desc"));
    assertTrue(browser.hash().contains("period=15m"), browser.hash());

    browser.driver.navigate().back();
    awaitRows("back to the last hour", all("timestamp_desc"));
    WebElement over = browser.awaitVisible(".chart-card[data-chart='volume'] .u-over");
    int width = over.getSize().getWidth();
    new Actions(browser.driver).moveToElement(over, -width / 2 + width / 3, 0).clickAndHold()
        .moveByOffset(width / 2, 0).release().perform();
    browser.await("a custom range from the dragged span", d -> browser.hash().contains("start_time="));
    java.util.Map<String, String> params = hashParams();
    long start = Instant.parse(params.get("start_time")).getEpochSecond() * 1_000_000_000L;
    long end = Instant.parse(params.get("end_time")).getEpochSecond() * 1_000_000_000L;
    awaitRows("the zoomed range", shop.expected(t -> t.startNano() >= start && t.startNano() < end, "timestamp_desc"));
    assertEquals("custom", new Select(browser.find("#time-range")).getFirstSelectedOption().getAttribute("value"));
    assertTrue(browser.find(".custom-range").isDisplayed());
    browser.screenshot("06-zoomed-range");

    // a link with start_time alone: the API runs it until now, and so does the list
    long from = now - 20 * 60 * 1_000_000_000L;
    browser.open(listUrl(project.projectId(), "start_time=" + Instant.ofEpochSecond(from / 1_000_000_000L)));
    awaitRows("start_time alone: until now", shop.expected(t -> t.startNano() >= from / 1_000_000_000L * 1_000_000_000L,
        "timestamp_desc"));
    assertTrue(browser.find("#list-summary").getText().contains("– now"), browser.find("#list-summary").getText());
    assertEquals("custom", new Select(browser.find("#time-range")).getFirstSelectedOption().getAttribute("value"));

    // an empty window of a project with traces: widen the range, not "here is how to send traces"
    Instant dayAgo = Instant.now().minus(java.time.Duration.ofDays(2));
    browser.open(listUrl(project.projectId(), "start_time=" + dayAgo + "&end_time=" + dayAgo.plusSeconds(3600)));
    WebElement empty = browser.awaitVisible("#traces-empty");
    assertTrue(empty.getText().contains("The newest trace of the last 30 days started"), empty.getText());
    assertTrue(browser.driver.findElements(org.openqa.selenium.By.id("otel-variables")).isEmpty(), "no setup guide");
    empty.findElements(org.openqa.selenium.By.tagName("button")).stream().filter(b -> b.getText().contains("30 days"))
        .findFirst().orElseThrow().click();
    awaitRows("widened to 30 days", all("timestamp_desc"));

    browser.open(listUrl(project.projectId(), "period=2h"));
    WebElement error = browser.awaitVisible(".results .state-error");
    assertTrue(error.getText().contains("period must be one of"), error.getText());
    browser.screenshot("07-error-state");
    browser.forgetConsole(); // the two 400 answers asked for above
  }

  static java.util.Map<String, String> hashParams() {
    String hash = browser.hash();
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String pair : hash.substring(hash.indexOf('?') + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
          kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  @Test
  @Order(5)
  void pagesFollowNextPageTokenOnDemand() {
    browser.open(listUrl(project.projectId(), "page_size=4"));
    List<String> expected = all("timestamp_desc");
    awaitRows("first page of 4", expected.subList(0, 4));
    try {
      browser.click("#load-more");
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      // scrolling the button into view asked for the page already
    }
    awaitRows("two pages", expected.subList(0, 8));
    browser.js("window.scrollTo(0, document.body.scrollHeight)");
    List<String> shown = browser.await("a third page loaded by scrolling", d -> {
      List<String> ids = rowIds();
      return ids.size() >= 12 ? ids : null;
    });
    assertEquals(expected.subList(0, shown.size()), shown, "pages in order, each trace once");
    for (int i = 0; i < 10 && browser.all("#list-end").isEmpty(); i++) {
      try {
        browser.click("#load-more");
      } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
        // a page is on its way already, asked for by the scroll
      }
      browser.await("a page loaded", d -> !browser.all("#load-more, #list-end").isEmpty());
    }
    awaitRows("every page, each trace once", expected);
    assertTrue(browser.find("#list-end").getText().contains(expected.size() + " matching traces"), browser.find("#list-end").getText());
    browser.js("window.scrollTo(0, document.body.scrollHeight)");
    browser.screenshot("08-all-pages");
  }

  @Test
  @Order(6)
  void aTraceShowsItsSpansAndASpanItsAttributes() throws Exception {
    Sent slow = shop.byName("POST /checkout", t -> t.durationNano() > 2_000_000_000L);
    browser.open(listUrl(project.projectId(), ""));
    awaitRows("all traces", all("timestamp_desc"));
    browser.click("tr[data-trace-id='" + slow.id() + "'] .row-link");
    browser.awaitVisible(".wf-row");
    assertEquals("#/projects/" + project.projectId() + "/traces/" + slow.id(), browser.hash());
    assertEquals("5", browser.find("#trace-span-count").getText());
    assertEquals("2.62 s", browser.find("#trace-duration").getText());
    assertTrue(browser.find("#slowest-spans li").getText().startsWith("Charge"), browser.find("#slowest-spans").getText());
    browser.screenshot("09-trace");

    String charge = slow.spanIds().get("Charge");
    browser.click(".wf-row[data-span-id='" + charge + "']");
    browser.awaitVisible("#span-drawer");
    browser.await("span in the URL", d -> browser.hash().contains("span=" + charge));
    WebElement provider = browser.awaitVisible("#drawer-span-attributes tr[data-key='payment.provider'] td");
    assertEquals("acme", provider.getText());
    WebElement url = browser.find("#drawer-span-attributes tr[data-key='http.url'] td a");
    assertEquals("https://payments.example.com/v1/charges?id=ch_31xk", url.getAttribute("href"));
    assertEquals("staging", browser.find("#drawer-resource-attributes tr[data-key='deployment.environment.name'] td").getText());
    assertEquals(2, browser.all("#drawer-events .events-table > tbody > tr").size());
    assertEquals("Client", browser.driver.findElement(
        By.xpath("//section[@id='drawer-meta']//dt[.='Kind']/following-sibling::dd[1]")).getText());
    browser.screenshot("10-span-drawer");

    WebElement search = browser.find("#trace-search");
    search.sendKeys("postgres");
    // the count and the address change when the search runs, the rows' marks at the next frame
    browser.await("one match for postgres, marked", d -> browser.find("#trace-search-count").getText().equals("1 match")
        && browser.hash().contains("q=postgres") && browser.all(".wf-row.match").size() == 1);
    browser.screenshot("11-trace-search");
    search.sendKeys(Keys.ESCAPE);
    browser.await("search cleared", d -> browser.all(".wf-row.dim").isEmpty());

    browser.find("#download-json").click();
    Path file = browser.downloads.resolve("trace-" + slow.id() + ".json");
    // the file may show before the browser has written all of it: wait until it holds the whole answer
    browser.await("the trace downloaded as JSON", d -> downloadedTrace(file) != null);
    JsonNode json = downloadedTrace(file);
    assertEquals(slow.id(), json.get("trace_id").asString());
    assertEquals(5, json.get("spans").size());

    // The keyboard: the tree takes arrows, Enter opens a span, Escape closes the drawer.
    WebElement tree = browser.find("#waterfall");
    browser.js("arguments[0].focus()", tree);
    tree.sendKeys(Keys.HOME, Keys.ENTER);
    // the page handles the address a moment after it changes: wait for the drawer, which it opens then
    browser.await("root span opened from the keyboard", d -> browser.hash().contains("span=" + slow.spanIds().get("POST /checkout"))
        && browser.find("#drawer-title").getText().equals("POST /checkout"));
    tree.sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
    browser.await("child span opened from the keyboard", d -> browser.hash().contains("span=" + slow.spanIds().get("PlaceOrder")));
    // the drawer may render again once the span's details arrive: read its title inside the wait
    browser.await("the drawer shows PlaceOrder", d -> browser.find("#drawer-title").getText().equals("PlaceOrder"));
    tree.sendKeys(Keys.ESCAPE);
    // the URL changes first; the drawer closes when the page handles that change
    browser.await("drawer closed", d -> !browser.hash().contains("span=") && !browser.find("#span-drawer").isDisplayed());
    browser.driver.navigate().back();
    browser.await("back reopens the child span", d -> browser.hash().contains("span=" + slow.spanIds().get("PlaceOrder"))
        && browser.find("#span-drawer").isDisplayed());
  }

  @Test
  @Order(7)
  void linksOpenLinkedTracesOfTheProject() {
    Sent consumer = shop.byName("consume orders", t -> true);
    Sent order = shop.byName("POST /orders", t -> true);
    browser.open(traceUrl(consumer.id(), "span=" + consumer.spanIds().get("consume orders")));
    WebElement link = browser.awaitVisible("#drawer-links a[href*='" + order.id() + "']");
    browser.await("the unknown trace is marked", d -> browser.find("#drawer-links").getText().contains("not in this project"));
    browser.js("document.getElementById('drawer-links').scrollIntoView()");
    browser.screenshot("12-span-links");
    link.click();
    browser.await("the linked trace and span open", d -> browser.hash().startsWith("#/projects/" + project.projectId() + "/traces/" + order.id())
        && browser.all("#drawer-title").stream().anyMatch(t -> t.getText().equals("publish order.created")));
    String emailRow = ".wf-row[data-span-id='" + order.spanIds().get("send-confirmation-email") + "']";
    browser.await("the email span is marked outside the root", d -> browser.find(emailRow).getText().contains("outside root"));
    browser.screenshot("13-async-span-outside-root");
  }

  @Test
  @Order(8)
  void aSharedLinkAsksForSignInThenOpensTheSameView() {
    Sent slow = shop.byName("POST /checkout", t -> t.durationNano() > 2_000_000_000L);
    String shared = traceUrl(slow.id(), "span=" + slow.spanIds().get("Charge"));
    browser.close();
    browser = new Browser(1280, 860);
    browser.open(shared);
    WebElement pid = browser.awaitVisible("#signin-project");
    assertEquals(String.valueOf(project.projectId()), pid.getAttribute("value"));
    assertTrue(browser.find("#signin-notice").getText().startsWith("Sign in to open the shared trace " + slow.id().substring(0, 8)),
        browser.find("#signin-notice").getText());
    browser.screenshot("14-shared-link-sign-in");
    signIn(project.projectId(), token.secret());
    WebElement provider = browser.awaitVisible("#drawer-span-attributes tr[data-key='payment.provider'] td");
    assertEquals("acme", provider.getText());
    assertEquals(shared, browser.driver.getCurrentUrl());

    browser.find("nav.breadcrumb a").click();
    awaitRows("the list", all("timestamp_desc"));
    browser.driver.navigate().back();
    browser.await("back to the shared view", d -> browser.all("#drawer-title").stream().anyMatch(t -> t.getText().equals("Charge")));
    assertEquals(shared, browser.driver.getCurrentUrl());
    browser.driver.navigate().forward();
    awaitRows("forward to the list", all("timestamp_desc"));
  }

  @Test
  @Order(9)
  void anEmptyProjectSaysHowToSendTraces() {
    ProjectAdmin admin = stack.admin();
    Project empty = admin.createProject(12, "new-service");
    String emptyToken = admin.createToken(empty.projectId(), EnumSet.allOf(Scope.class), "web-test", null).secret();
    browser.find("#sign-out").click();
    browser.awaitVisible("#signin-notice");
    signIn(empty.projectId(), emptyToken);
    WebElement state = browser.awaitVisible("#traces-empty");
    assertTrue(state.getText().contains("No traces in this window"), state.getText());
    String vars = browser.find("#otel-variables").getText();
    String endpoint = stack.baseUri() + "/v3/" + empty.namespaceId() + "/" + empty.projectId() + "/ingest/traces";
    assertTrue(vars.contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=" + endpoint), vars);
    assertTrue(vars.contains("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf"), vars);
    assertFalse(vars.contains(emptyToken), "the token is masked until asked for");
    browser.find("#traces-empty button[aria-pressed]").click();
    assertTrue(browser.find("#otel-variables").getText().contains("OTEL_EXPORTER_OTLP_TRACES_HEADERS=PRIVATE-TOKEN=" + emptyToken));
    browser.screenshot("15-empty-project");

    filter("status=error");
    browser.await("no match state", d -> browser.find("#traces-empty").getText().contains("No traces match these filters"));

    browser.open(base + "#/projects/" + empty.projectId() + "/traces/" + "0".repeat(31) + "1");
    WebElement missing = browser.awaitVisible(".trace-screen .state-empty");
    assertTrue(missing.getText().contains("This trace is not in this project"), missing.getText());
    browser.screenshot("16-trace-not-found");
  }

  @Test
  @Order(10)
  void aRevokedTokenBringsBackSignInWithAMessage() {
    browser.open(listUrl(project.projectId(), ""));
    WebElement notice = browser.awaitVisible("#signin-notice");
    assertTrue(notice.getText().contains("This link is for project " + project.projectId()), notice.getText());
    signIn(project.projectId(), token.secret());
    awaitRows("the list", all("timestamp_desc"));

    stack.admin().revokeToken(project.projectId(), token.token().id());
    browser.click(".toolbar button[title^='Load again']");
    WebElement revoked = browser.awaitVisible("#signin-notice");
    assertTrue(revoked.getText().contains("was not accepted"), revoked.getText());
    assertEquals(listUrl(project.projectId(), ""), browser.driver.getCurrentUrl());
    browser.screenshot("17-token-revoked");

    String fresh = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "web-test-2", null).secret();
    signIn(project.projectId(), "not-a-token");
    WebElement error = browser.awaitVisible("#signin-error");
    assertTrue(error.getText().contains("not accepted"), error.getText());
    signIn(project.projectId(), fresh);
    awaitRows("back on the same list", all("timestamp_desc"));
  }

  /** The page's own modules, run in the browser on inputs whose answers are worked out by hand. */
  @Test
  @Order(11)
  void theTraceModelComputesSelfTimeAndTheCriticalPath() {
    browser.open(base);
    Object result = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        Promise.all([import('./js/trace/model.js'), import('./js/traces/query.js'), import('./js/format.js'),
          import('./js/trace/waterfall.js')])
          .then(([m, q, f, w]) => {
            const ts = (ms) => `2026-11-24T10:00:${String(Math.floor(ms / 1000)).padStart(2, '0')}.`
              + `${String((ms % 1000) * 1e6).padStart(9, '0')}Z`;
            const span = (id, parent, start, end) => ({ span_id: id, parent_span_id: parent, timestamp: ts(start),
              duration_nano: (end - start) * 1e6, service_name: 's', operation: id, status_code: 'STATUS_CODE_UNSET' });
            // A [0,100] with children B [10,40], C [30,90] and D [95,130], which ends after A.
            const model = m.buildModel({ spans: [span('A', '', 0, 100), span('B', 'A', 10, 40), span('C', 'A', 30, 90),
              span('D', 'A', 95, 130)] });
            const get = (id) => model.byId.get(id);
            const ms = (segments) => (segments || []).map(([a, b]) => [a / 1e6, b / 1e6]);
            const state = q.fromParams(new URLSearchParams(
              'period=15m&service_name=a&not[status]=error&gt[duration_nano]=5000000&attr_name=k&attr_value=v=w&sort=duration_desc'));
            done(JSON.stringify({
              selfA: get('A').self / 1e6, selfC: get('C').self / 1e6,
              criticalA: ms(get('A').critical), criticalB: ms(get('B').critical), criticalC: ms(get('C').critical),
              criticalD: ms(get('D').critical), outOfRoot: model.spans.filter((s) => s.outOfRoot).map((s) => s.id),
              total: model.total / 1e6,
              tokens: state.tokens.map(q.describeToken),
              roundTrip: q.toParams(q.fromParams(q.toParams(state))).toString() === q.toParams(state).toString(),
              durations: ['1.5s', '250', '800us', 'x'].map(f.parseDurationToNanos),
              formatted: [2620000000, 1234, 0, 61e9].map(f.formatDuration),
              offsets: [-3.8e9, 0, 1200000].map(f.formatOffset),
              errorSearch: ((e) => [m.haystack(e.byId.get('E')).includes('error'), m.haystack(e.byId.get('F')).includes('error')])(
                m.buildModel({ spans: [{ ...span('E', '', 0, 10), status_code: 'STATUS_CODE_ERROR' }, span('F', 'E', 1, 2)] })),
              ticks: [w.ticks(1), w.ticks(3)],
              startOnly: q.toParams(q.fromParams(new URLSearchParams('start_time=2026-11-24T10:00:00Z'))).toString(),
              startOnlyRange: q.describeRange(q.fromParams(new URLSearchParams('start_time=2026-11-24T10:00:00Z'))).endsWith(' – now'),
              upperSort: q.fromParams(new URLSearchParams('sort=DURATION_DESC')).sort,
              badDuration: q.describeToken({ type: 'duration', op: '>', value: 'abc' }),
              exact: f.nanosBetween(f.parseTimestamp('2026-11-24T10:00:00.000000001Z'), f.parseTimestamp('2026-11-24T10:00:01Z')),
            }));
          })
          .catch((e) => done('failed: ' + e));
        """);
    JsonNode r = JsonMapper.builder().build().readTree((String) result);
    assertEquals(15.0, r.get("selfA").asDouble(), "A minus the union of its children within it");
    assertEquals(60.0, r.get("selfC").asDouble());
    assertEquals("[[90,95],[0,10]]", r.get("criticalA").toString());
    assertEquals("[[10,30]]", r.get("criticalB").toString());
    assertEquals("[[30,90]]", r.get("criticalC").toString());
    assertEquals("[[95,100]]", r.get("criticalD").toString());
    assertEquals("[\"D\"]", r.get("outOfRoot").toString());
    assertEquals(130.0, r.get("total").asDouble(), "the axis covers spans outside the root");
    assertEquals("[\"Service = a\",\"Status != error\",\"Duration > 5 ms\",\"Attribute = k=v=w\"]", r.get("tokens").toString());
    assertTrue(r.get("roundTrip").asBoolean());
    assertEquals("[1500000000,250000000,800000,null]", r.get("durations").toString());
    assertEquals("[\"2.62 s\",\"1.23 µs\",\"0 ns\",\"1m 01s\"]", r.get("formatted").toString());
    assertEquals("[\"-3.8 s\",\"+0 ns\",\"+1.2 ms\"]", r.get("offsets").toString(), "an event before its span starts");
    assertEquals("[[0,1],[0,1,2,3]]", r.get("ticks").toString(), "an axis of zero-length spans: whole nanoseconds");
    assertEquals("[true,false]", r.get("errorSearch").toString(), "searching the trace for 'error' finds its failing span only");
    assertEquals("start_time=2026-11-24T10%3A00%3A00Z", r.get("startOnly").asText(), "start_time alone runs until now");
    assertTrue(r.get("startOnlyRange").asBoolean());
    assertEquals("duration_desc", r.get("upperSort").asText(), "enum values in any letter case, as the API takes them");
    assertEquals("Duration > abc ns", r.get("badDuration").asText(), "a hand-typed duration that is no number: no NaN");
    assertEquals(999_999_999L, r.get("exact").asLong());
  }

  /** The downloaded trace once the file holds a whole JSON answer with its trace id; null before. */
  private static JsonNode downloadedTrace(Path file) {
    try {
      if (!Files.exists(file)) {
        return null;
      }
      JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
      return json != null && json.has("trace_id") ? json : null;
    } catch (java.io.IOException | tools.jackson.core.JacksonException partial) {
      return null;
    }
  }
}
