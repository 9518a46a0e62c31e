package dev.tracing.local.web;

import static dev.tracing.testing.OtlpFixtures.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.local.LocalStack;
import dev.tracing.local.web.SampleTraces.TraceBuilder;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * A 5,000-span trace opens and stays interactive: the waterfall keeps only the rows in view in
 * the page, scrolls to the end, collapses, expands, searches and opens a span. The figures are
 * printed (a benchmark's job, not a test's): the assertions are about what is shown.
 */
class LargeTraceUiTest {
  static final int SECTIONS = 40;
  static final int ITEMS = 30;
  static final int AUDITS = 159;
  static final int SPANS = 1 + SECTIONS + SECTIONS * ITEMS * 4 + AUDITS;

  static LocalStack stack;
  static Project project;
  static String token;
  static TraceBuilder trace;
  static String slowSpanId;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    ProjectAdmin admin = stack.admin();
    project = admin.createProject(9, "reports");
    stack.tracing().projects().setLimit(project.projectId(), 50_000_000); // beyond what an operator may set: the test's own store
    token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "web-test", null).secret();
    trace = report(Instant.now().minusSeconds(120));
    SampleTraces.ingest(URI.create(stack.ingestUrl(project)), token, trace.request());
  }

  /** GET /report: 40 sections of 30 items, each item read from cache, database and rendered. */
  static TraceBuilder report(Instant start) {
    TraceBuilder t = new TraceBuilder(start);
    Span.Builder root = t.span(0, "frontend", "GET /report", 0, 3200, attr("http.route", "/report"));
    double at = 5;
    for (int s = 0; s < SECTIONS; s++) {
      Span.Builder section = t.span(TraceBuilder.id(root), "reports", "LoadSection " + s, at, 70, attr("section", (long) s));
      double itemAt = at + 1;
      for (int i = 0; i < ITEMS; i++) {
        boolean slow = s == 17 && i == 5;
        double dbMs = slow ? 900 : 1.2;
        Span.Builder item = t.span(TraceBuilder.id(section), "items", "FetchItem", itemAt, dbMs + 1.2, attr("item.id", (long) (s * 100 + i)));
        t.span(TraceBuilder.id(item), "redis", "GET item:" + (s * 100 + i), itemAt + 0.05, 0.2, attr("db.system", "redis"));
        Span.Builder db = t.span(TraceBuilder.id(item), "postgres", slow ? "SELECT slow-query" : "SELECT item", itemAt + 0.3, dbMs,
            attr("db.system", "postgresql"), attr("db.statement", "SELECT * FROM items WHERE id = $1"));
        if (slow) {
          slowSpanId = TraceBuilder.hexId(db);
          db.addAttributes(attr("db.plan", "Seq Scan on items (cost=0.00..18334.00 rows=1)"));
        }
        t.span(TraceBuilder.id(item), "reports", "render", itemAt + dbMs + 0.35, 0.6);
        itemAt += slow ? dbMs + 2 : 2.2;
      }
      section.setEndTimeUnixNano(section.getStartTimeUnixNano() + Math.round((itemAt - at) * 1_000_000));
      at = itemAt + 1;
    }
    for (int a = 0; a < AUDITS; a++) {
      t.span(TraceBuilder.id(root), "audit", "audit.write", at + a * 0.1, 0.08, attr("audit.seq", (long) a));
    }
    root.setEndTimeUnixNano(root.getStartTimeUnixNano() + Math.round((at + AUDITS * 0.1 + 5) * 1_000_000));
    return t;
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static double ms(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e6;
  }

  @Test
  void aFiveThousandSpanTraceOpensAndStaysInteractive() {
    assertEquals(5000, SPANS);
    try (Browser browser = new Browser(1366, 900)) {
      String url = stack.baseUri() + "/#/projects/" + project.projectId() + "/traces";
      browser.open(url);
      browser.signIn(project.projectId(), token);
      String rowCss = "tr[data-trace-id='" + trace.hex + "']";
      browser.await("the trace's row, with its 5,000 spans", d -> !browser.all(".traces-screen[data-state='ready']").isEmpty()
          && browser.all(rowCss).stream().anyMatch(r -> r.getText().contains("5,000")));

      long t0 = System.nanoTime();
      browser.click(rowCss + " .row-link");
      browser.awaitVisible(".wf-row");
      double open = ms(t0);
      assertEquals(String.valueOf(SPANS), browser.find("#trace-span-count").getText());
      int inDom = browser.all(".wf-row").size();
      assertTrue(inDom < 150, "only the rows in view are in the page, found " + inDom);
      @SuppressWarnings("unchecked")
      List<String> measures = (List<String>) browser.js(
          "return performance.getEntriesByType('measure').map(m => m.name + ' ' + m.duration.toFixed(1) + ' ms')");
      assertTrue(browser.find("#slowest-spans li").getText().startsWith("SELECT slow-query"), browser.find("#slowest-spans").getText());
      browser.screenshot("18-large-trace");

      long t1 = System.nanoTime();
      browser.js("const b = document.getElementById('waterfall'); b.scrollTop = b.scrollHeight;");
      browser.await("the last span rendered", d -> !browser.all(".wf-row[aria-posinset='" + SPANS + "']").isEmpty());
      double scroll = ms(t1);

      long t2 = System.nanoTime();
      browser.driver.findElement(org.openqa.selenium.By.xpath("//button[.='Collapse all']")).click();
      int collapsedRows = 1 + SECTIONS + AUDITS;
      browser.await("collapsed to the root's children", d -> !browser.all(".wf-row[aria-setsize='" + collapsedRows + "']").isEmpty());
      double collapse = ms(t2);
      browser.screenshot("19-large-trace-collapsed");

      long t3 = System.nanoTime();
      WebElement search = browser.find("#trace-search");
      search.sendKeys("slow-query");
      // the whole text searched (a pause between keys may run the search on a prefix first)
      browser.await("one match", d -> browser.find("#trace-search-count").getText().equals("1 match")
          && browser.hash().contains("q=slow-query"));
      search.sendKeys(org.openqa.selenium.Keys.ENTER);
      browser.await("the match revealed inside its collapsed section", d -> !browser.all(".wf-row.match").isEmpty());
      double find = ms(t3);

      long t4 = System.nanoTime();
      // the rows may be drawn again under the pointer: click inside a wait, which tries a row replaced meanwhile again
      browser.await("the matching row clicked", d -> {
        browser.find(".wf-row.match").click();
        return true;
      });
      WebElement plan = browser.awaitVisible("#drawer-span-attributes tr[data-key='db.plan'] td");
      double drawer = ms(t4);
      assertTrue(plan.getText().startsWith("Seq Scan"), plan.getText());
      assertTrue(browser.hash().contains("span=" + slowSpanId), browser.hash());
      browser.screenshot("20-large-trace-slow-span");

      long t5 = System.nanoTime();
      browser.driver.findElement(org.openqa.selenium.By.xpath("//button[.='Expand all']")).click();
      browser.await("expanded", d -> !browser.all(".wf-row[aria-setsize='" + SPANS + "']").isEmpty());
      double expand = ms(t5);

      Object keys = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(
          "const done = arguments[arguments.length - 1];"
              + "const tree = document.getElementById('waterfall'); tree.focus();"
              + "const t0 = performance.now();"
              + "for (let i = 0; i < 500; i++) tree.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}));"
              + "requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));");

      System.out.printf("%n5,000-span trace in headless Chromium (%d rows in the page of %d):%n", inDom, SPANS);
      System.out.printf("  open from the list to first rows: %.0f ms (in page: %s)%n", open, String.join(", ", measures));
      System.out.printf("  scroll to the last span: %.0f ms%n", scroll);
      System.out.printf("  collapse all: %.0f ms; expand all: %.0f ms%n", collapse, expand);
      System.out.printf("  search and reveal a match: %.0f ms; open its drawer: %.0f ms%n", find, drawer);
      System.out.printf("  500 arrow-key moves, in page: %.0f ms%n", ((Number) keys).doubleValue());
      assertTrue(browser.consoleErrors().isEmpty(), "the page logged errors: " + browser.consoleErrors());
    }
  }
}
