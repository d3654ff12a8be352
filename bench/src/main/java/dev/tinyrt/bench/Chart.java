// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Draws log-log line charts side by side into a PNG, with the JDK's own Java2D. */
final class Chart {

  private Chart() {}

  /** One panel: a title, a y label, and per series its (x, y) points. */
  record Panel(String title, String yLabel, Map<String, List<double[]>> series) {}

  private static final Color[] COLORS = {
    new Color(0xd62728), new Color(0xff7f0e), new Color(0x1f77b4), new Color(0x2ca02c),
    new Color(0x9467bd), new Color(0x8c564b)
  };

  static void write(Path file, String xLabel, List<Panel> panels) throws IOException {
    int panelWidth = 620;
    int height = 460;
    BufferedImage image =
        new BufferedImage(panelWidth * panels.size(), height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), height);
    for (int i = 0; i < panels.size(); i++) {
      drawPanel(g, panels.get(i), xLabel, i * panelWidth, panelWidth, height);
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void drawPanel(Graphics2D g, Panel panel, String xLabel, int x0, int w, int h) {
    int left = x0 + 75;
    int right = x0 + w - 20;
    int top = 45;
    int bottom = h - 120;
    double minX = Double.MAX_VALUE;
    double maxX = 0;
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (List<double[]> points : panel.series().values()) {
      for (double[] p : points) {
        if (p[1] > 0) {
          minX = Math.min(minX, p[0]);
          maxX = Math.max(maxX, p[0]);
          minY = Math.min(minY, p[1]);
          maxY = Math.max(maxY, p[1]);
        }
      }
    }
    double lx0 = Math.floor(Math.log10(minX));
    double lx1 = Math.max(Math.ceil(Math.log10(maxX)), lx0 + 1);
    double ly0 = Math.floor(Math.log10(minY));
    double ly1 = Math.max(Math.ceil(Math.log10(maxY)), ly0 + 1);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(Color.BLACK);
    g.drawString(panel.title(), left, top - 18);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

    // Grid and axes, one line per power of ten.
    for (double d = ly0; d <= ly1; d++) {
      int y = scale(d, ly0, ly1, bottom, top);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(label(Math.pow(10, d)), left - 60, y + 4);
    }
    for (double d = lx0; d <= lx1; d++) {
      int x = scale(d, lx0, lx1, left, right);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(x, top, x, bottom);
      g.setColor(Color.DARK_GRAY);
      g.drawString(label(Math.pow(10, d)), x - 15, bottom + 16);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    g.drawString(xLabel + " (log)", (left + right) / 2 - 40, bottom + 34);
    g.drawString(panel.yLabel() + " (log)", left, top - 3);

    // Series, then the legend below.
    int i = 0;
    int legendY = bottom + 55;
    for (Map.Entry<String, List<double[]>> s : panel.series().entrySet()) {
      Color c = COLORS[i % COLORS.length];
      g.setColor(c);
      g.setStroke(new BasicStroke(2.5f));
      int px = -1;
      int py = -1;
      for (double[] p : s.getValue()) {
        if (p[1] <= 0) {
          continue;
        }
        int x = scale(Math.log10(p[0]), lx0, lx1, left, right);
        int y = scale(Math.log10(p[1]), ly0, ly1, bottom, top);
        g.fillOval(x - 4, y - 4, 8, 8);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      int lx = left + (i % 2) * 260;
      int ly = legendY + (i / 2) * 18;
      g.fillRect(lx, ly - 9, 18, 4);
      g.setColor(Color.BLACK);
      g.drawString(s.getKey(), lx + 24, ly - 3);
      i++;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int scale(double v, double lo, double hi, int a, int b) {
    return (int) Math.round(a + (v - lo) / (hi - lo) * (b - a));
  }

  private static String label(double v) {
    if (v >= 1e6) {
      return (long) (v / 1e6) + "M";
    }
    if (v >= 1e3) {
      return (long) (v / 1e3) + "k";
    }
    if (v >= 1) {
      return String.valueOf((long) v);
    }
    return String.valueOf(v);
  }
}
