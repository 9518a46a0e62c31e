package dev.tracing.benchmarks.harness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The suite's results: one row per figure, each saying whether it was measured (timed or
 * reported by a server), computed (arithmetic on measured sizes, or prices) or a ratio of two
 * figures measured in the same run. A figure with a {@link Budget} is graded PASS or MISS; tables
 * of figures side by side (one column per scenario) print after the rows.
 */
public final class Report {
  public enum Kind {
    MEASURED("measured"), COMPUTED("computed"), RATIO("ratio, same run"), REPORTED("server-reported");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** A performance budget: a figure must be at most, or at least, {@code limit}. */
  public record Budget(String text, double limit, boolean atMost) {
    public static Budget atMost(double limit, String text) {
      return new Budget(text, limit, true);
    }

    public static Budget atLeast(double limit, String text) {
      return new Budget(text, limit, false);
    }

    /** PASS or MISS; "-" when there is no figure to grade. */
    public String grade(double value) {
      if (Double.isNaN(value)) {
        return "-";
      }
      return (atMost ? value <= limit : value >= limit) ? "PASS" : "MISS";
    }
  }

  /**
   * One figure. {@code value} is numeric so tests can check it; {@code shown} is how it prints;
   * {@code verdict} is PASS or MISS against its budget ("" when it has none, "-" when not graded here).
   */
  public record Row(String part, String figure, double value, String shown, String target, String verdict, Kind kind, String note) {
  }

  /** Figures side by side: a title, column heads (the first names the rows) and rows of cells. */
  public record Table(String title, List<String> head, List<List<String>> rows) {
    public Table {
      head = List.copyOf(head);
      rows = List.copyOf(rows.stream().map(List::copyOf).toList());
    }

  }

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Table> tables = new ArrayList<>();

  public synchronized Row add(String part, String figure, double value, String unit, String target, Kind kind, String note) {
    Row row = new Row(part, figure, value, shown(value, unit), target == null ? "" : target, "", kind, note == null ? "" : note);
    rows.add(row);
    return row;
  }

  /** A figure graded against its budget. */
  public Row graded(String part, String figure, double value, String unit, Budget budget, Kind kind, String note) {
    return graded(part, figure, value, shown(value, unit), budget, value, kind, note);
  }

  /** A figure graded against its budget on {@code gradedValue} (e.g. a p95 shown beside its p50). */
  public synchronized Row graded(String part, String figure, double value, String shown, Budget budget, double gradedValue, Kind kind,
                                 String note) {
    Row row = new Row(part, figure, value, shown, budget.text(), budget.grade(gradedValue), kind, note == null ? "" : note);
    rows.add(row);
    return row;
  }

  private static String shown(double value, String unit) {
    return format(value) + (unit.isEmpty() ? "" : " " + unit);
  }

  /** A row whose value is text (a pending figure, a skipped comparison). */
  public synchronized Row addText(String part, String figure, String shown, String target, Kind kind, String note) {
    Row row = new Row(part, figure, Double.NaN, shown, target == null ? "" : target, target == null ? "" : "-", kind,
        note == null ? "" : note);
    rows.add(row);
    return row;
  }

  public synchronized void table(Table table) {
    tables.add(table);
  }

  public synchronized List<Table> tables() {
    return List.copyOf(tables);
  }

  public synchronized void note(String note) {
    notes.add(note);
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  public synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  public synchronized Optional<Row> find(String part, String figurePrefix) {
    return rows.stream().filter(r -> r.part().equals(part) && r.figure().startsWith(figurePrefix)).findFirst();
  }

  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 100_000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    if (a >= 0.01) {
      return String.format(Locale.ROOT, "%.3f", v);
    }
    return String.format(Locale.ROOT, "%.2g", v);
  }

  /** The table as fixed-width text. */
  public synchronized void print(PrintStream out) {
    String[] head = {"part", "figure", "value", "target", "verdict", "kind", "note"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = head[i].length();
    }
    for (Row r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) {
        w[i] = Math.max(w[i], Math.min(i == 6 ? 70 : 60, c[i].length()));
      }
    }
    line(out, head, w);
    StringBuilder sep = new StringBuilder();
    for (int x : w) {
      sep.append("-".repeat(x)).append("-+-");
    }
    out.println(sep);
    for (Row r : rows) {
      line(out, cells(r), w);
    }
    for (String n : notes) {
      out.println("* " + n);
    }
    for (Table t : tables) {
      out.println();
      out.println(t.title());
      int[] tw = new int[t.head().size()];
      for (int i = 0; i < tw.length; i++) {
        tw[i] = t.head().get(i).length();
        for (List<String> r : t.rows()) {
          tw[i] = Math.max(tw[i], r.get(i).length());
        }
      }
      line(out, t.head().toArray(String[]::new), tw);
      StringBuilder tsep = new StringBuilder();
      for (int x : tw) {
        tsep.append("-".repeat(x)).append("-+-");
      }
      out.println(tsep);
      for (List<String> r : t.rows()) {
        line(out, r.toArray(String[]::new), tw);
      }
    }
  }

  /** The table as Markdown. */
  public synchronized String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| part | figure | value | target | verdict | kind | note |\n|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      String[] c = cells(r);
      sb.append('|');
      for (String s : c) {
        sb.append(' ').append(s.replace("|", "\\|")).append(" |");
      }
      sb.append('\n');
    }
    for (String n : notes) {
      sb.append("\n- ").append(n);
    }
    for (Table t : tables) {
      sb.append("\n\n").append(t.title()).append("\n\n|");
      for (String h : t.head()) {
        sb.append(' ').append(h.replace("|", "\\|")).append(" |");
      }
      sb.append("\n|").append("---|".repeat(t.head().size())).append('\n');
      for (List<String> r : t.rows()) {
        sb.append('|');
        for (String c : r) {
          sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String[] cells(Row r) {
    return new String[] {r.part(), r.figure(), r.shown(), r.target(), r.verdict(), r.kind().label, r.note()};
  }

  private static void line(PrintStream out, String[] c, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      sb.append(String.format("%-" + w[i] + "s", c[i])).append(" | ");
    }
    out.println(sb.toString().stripTrailing());
  }
}
