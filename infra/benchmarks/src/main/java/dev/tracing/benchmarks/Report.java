package dev.tracing.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The suite's results: one row per figure, each saying whether it was measured (timed or
 * reported by a server), computed (arithmetic on measured sizes, or prices) or a ratio of two
 * figures measured in the same run.
 */
public final class Report {
  public enum Kind {
    MEASURED("measured"), COMPUTED("computed"), RATIO("ratio, same run"), REPORTED("server-reported");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One figure. {@code value} is numeric so tests can check it; {@code shown} is how it prints. */
  public record Row(String part, String figure, double value, String shown, String target, Kind kind, String note) {
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public synchronized Row add(String part, String figure, double value, String unit, String target, Kind kind, String note) {
    Row row = new Row(part, figure, value, format(value) + (unit.isEmpty() ? "" : " " + unit), target == null ? "" : target, kind,
        note == null ? "" : note);
    rows.add(row);
    return row;
  }

  /** A row whose value is text (a pending figure, a skipped comparison). */
  public synchronized Row addText(String part, String figure, String shown, String target, Kind kind, String note) {
    Row row = new Row(part, figure, Double.NaN, shown, target == null ? "" : target, kind, note == null ? "" : note);
    rows.add(row);
    return row;
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
    String[] head = {"part", "figure", "value", "target", "kind", "note"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = head[i].length();
    }
    for (Row r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) {
        w[i] = Math.max(w[i], Math.min(i == 5 ? 70 : 60, c[i].length()));
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
  }

  /** The table as Markdown. */
  public synchronized String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| part | figure | value | target | kind | note |\n|---|---|---|---|---|---|\n");
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
    return sb.toString();
  }

  private static String[] cells(Row r) {
    return new String[] {r.part(), r.figure(), r.shown(), r.target(), r.kind().label, r.note()};
  }

  private static void line(PrintStream out, String[] c, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      sb.append(String.format("%-" + w[i] + "s", c[i])).append(" | ");
    }
    out.println(sb.toString().stripTrailing());
  }
}
