package org.leukostream.cli.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.ReportStatus;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.embedded.DevelopmentIssuer;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page in a real browser (headless Chromium from Debian's packages, driven by Selenium)
 * against the review service on the embedded broker, beside the whole pipeline in this process: a
 * case scanned and decided, opened from the worklist, its crops grouped by class; one cell moved to
 * another class by keyboard, the counts change (the aggregator's FINAL revision); signed off; the
 * FHIR report is FINAL with the corrected count. A viewer (OIDC on) cannot reclassify. Screenshots
 * go to target/review-screenshots.
 */
class ReviewPageIT {
  static final Path SCREENSHOTS = Path.of("target", "review-screenshots");
  static EmbeddedStack stack;
  static Pipeline pipeline;
  static Path claims;
  static VirtualPatients.Patient patient;
  static Diagnosis decided;

  @BeforeAll
  static void decideACase() throws Exception {
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    patient = VirtualPatients.drawCohort("review", 1, 37, settings.rule()).get(0);
    claims = Files.createTempDirectory("leukostream-review-claims-");
    stack = EmbeddedStack.start();
    pipeline =
        Pipeline.start(stack.clientConfig(), new Properties(), Optional.of(claims), settings);
    try (CaseSender sender = CaseSender.withClaimDirectory(stack.clientConfig(), claims)) {
      sender.send(patient.toCase(VirtualPatients.keys(), "review"), n -> {});
    }
    Set<String> ids = Set.of(patient.caseId());
    decided =
        Finals.await(
                stack.clientConfig(), ids, Duration.ofMinutes(5), pipeline::checkHealthy, d -> {})
            .get(patient.caseId());
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (stack != null) {
      stack.close();
    }
    Pipeline.deleteRecursively(claims);
  }

  @Test
  void aReviewerMovesACellSeesTheNewCountAndSignsOffTheReportIsFinalWithIt() throws Exception {
    try (ReviewPage page =
        ReviewPage.start(
            pipeline,
            stack.bootstrapServers(),
            stack.registryUrl(),
            Path.of("target", "review-page-it", "reviewer"),
            Map.of())) {
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        browser.get(page.url() + "#/");
        By row = By.cssSelector("#worklist tr[data-case='" + patient.caseId() + "']");
        wait.until(
            d -> {
              if (d.findElements(row).isEmpty()) {
                d.navigate().refresh(); // the view is still being built
                return false;
              }
              return true;
            });
        screenshot(browser, "worklist.png");

        browser.findElement(row).findElement(By.tagName("a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("gallery")));
        List<WebElement> groups = browser.findElements(By.cssSelector("#gallery .group"));
        assertThat(groups).isNotEmpty();
        int shown = browser.findElements(By.cssSelector("#gallery .cell")).size();
        assertThat(shown).isEqualTo(decided.getCellsLabelled());
        wait.until(d -> allCropsLoaded(d));
        screenshot(browser, "case.png");

        // The first cell of the largest countable class goes to another class, by keyboard.
        WebElement from =
            groups.stream()
                .filter(g -> !g.getAttribute("data-group").equals("not countable"))
                .max(
                    java.util.Comparator.comparingInt(
                        g -> g.findElements(By.className("cell")).size()))
                .orElseThrow();
        String fromClass = from.getAttribute("data-group");
        List<WebElement> keys = browser.findElements(By.cssSelector("#toolbar button[data-class]"));
        int target = 0;
        while (keys.get(target).getAttribute("data-class").equals(fromClass)) {
          target++;
        }
        String toClass = keys.get(target).getAttribute("data-class");
        int fromBefore = count(browser, fromClass);
        int toBefore = count(browser, toClass);
        from.findElement(By.className("cell")).click();
        browser.findElement(By.tagName("body")).sendKeys(String.valueOf(target + 1));
        wait.until(d -> revision(d) > decided.getSequence());
        assertThat(count(browser, fromClass)).isEqualTo(fromBefore - 1);
        assertThat(count(browser, toClass)).isEqualTo(toBefore + 1);
        assertThat(browser.findElement(By.id("reviewed-count")).getText()).isEqualTo("1");
        screenshot(browser, "reclassified.png");

        browser.findElement(By.id("sign-off")).click();
        wait.until(ExpectedConditions.textToBe(By.id("case-status"), "SIGNED"));
        screenshot(browser, "signed.png");
      } finally {
        browser.quit();
      }
    }
    // The report the bridge publishes after the sign-off: FINAL, of the revised diagnosis.
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              List<FhirReport> reports =
                  TopicReader.values(stack.clientConfig(), Topics.FHIR_REPORTS).stream()
                      .filter(r -> r.getCaseId().equals(patient.caseId()))
                      .toList();
              FhirReport last = reports.get(reports.size() - 1);
              assertThat(last.getReportStatus()).isEqualTo(ReportStatus.FINAL);
              assertThat(last.getReviewerId()).isEqualTo("dev-reviewer");
              assertThat(last.getDiagnosisSequence()).isGreaterThan(decided.getSequence());
              Diagnosis reported =
                  TopicReader.values(stack.clientConfig(), Topics.DIAGNOSES).stream()
                      .filter(d -> d.getCaseId().equals(patient.caseId()))
                      .filter(d -> d.getSequence() == last.getDiagnosisSequence())
                      .findFirst()
                      .orElseThrow();
              assertThat(reported.getCellsReviewed()).isEqualTo(1);
              assertThat(reported.getCellsCounted() + reported.getCellsUncountable())
                  .isEqualTo(decided.getCellsCounted() + decided.getCellsUncountable());
            });
  }

  @Test
  void aViewerSeesTheCaseButCannotReclassify() throws Exception {
    DevelopmentIssuer issuer = new DevelopmentIssuer();
    try (ReviewPage page =
        ReviewPage.start(
            pipeline,
            stack.bootstrapServers(),
            stack.registryUrl(),
            Path.of("target", "review-page-it", "viewer"),
            ReviewPage.oidcTrusting(issuer))) {
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        browser.get(page.url() + "#/cases/" + patient.caseId());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        browser
            .findElement(By.id("token"))
            .sendKeys(issuer.token("tech-1", "leukostream-review", "viewer"));
        browser.findElement(By.cssSelector("#token-form button")).click();
        wait.until(
            d -> {
              if (d.findElements(By.id("gallery")).isEmpty()) {
                d.navigate().refresh(); // the view is still being built
                return false;
              }
              return true;
            });
        assertThat(browser.findElement(By.id("who")).getText()).contains("tech-1 (viewer)");
        assertThat(browser.findElements(By.cssSelector("#toolbar button")))
            .isNotEmpty()
            .allMatch(b -> !b.isEnabled());
        Object status =
            ((JavascriptExecutor) browser)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "api('/api/cases/' + encodeURIComponent(arguments[0]) + '/reviews',"
                        + " {method: 'POST', body: JSON.stringify({cellIds: ['x'], toClass:"
                        + " 'lymphocyte'})}).then(r => done(r.status));",
                    patient.caseId());
        assertThat(status).isEqualTo(403L);
        screenshot(browser, "viewer.png");
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * A 500-cell case (63 fields of 8 cells through the whole pipeline) opens with every crop shown;
   * the load times (first byte, case rendered, all crops) are written to
   * target/review-page-load.txt for the record, never asserted.
   */
  @Test
  void aFiveHundredCellCaseOpensWithEveryCrop() throws Exception {
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    VirtualPatients.Patient large =
        VirtualPatients.draw(
            new VirtualPatients.Spec("review-500", 63, 8, 0.3), 41, settings.rule());
    try (CaseSender sender = CaseSender.withClaimDirectory(stack.clientConfig(), claims)) {
      sender.send(large.toCase(VirtualPatients.keys(), "review"), n -> {});
    }
    Diagnosis diagnosis =
        Finals.await(
                stack.clientConfig(),
                Set.of(large.caseId()),
                Duration.ofMinutes(5),
                pipeline::checkHealthy,
                d -> {})
            .get(large.caseId());
    try (ReviewPage page =
        ReviewPage.start(
            pipeline,
            stack.bootstrapServers(),
            stack.registryUrl(),
            Path.of("target", "review-page-it", "load"),
            Map.of())) {
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        String url = page.url() + "#/cases/" + large.caseId();
        // Until the view holds every cell of the case with its crop (it is being built from the
        // topics: a cell's label and its crop arrive on different topics, so a cell can be in
        // the view before its crop is).
        wait.until(
            d -> {
              d.get(url);
              return Long.valueOf(diagnosis.getCellsLabelled())
                  .equals(
                      ((JavascriptExecutor) d)
                          .executeAsyncScript(
                              "const done = arguments[arguments.length - 1];"
                                  + "fetch('/api/cases/' + arguments[0]).then(r => r.json())"
                                  + ".then(c => done(c.cells.filter(x => x.hasCrop).length))"
                                  + ".catch(() => done(-1));",
                              large.caseId()));
            });
        browser.manage().timeouts().scriptTimeout(Duration.ofMinutes(2));
        browser.get("about:blank");
        browser.get(url);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("gallery")));
        @SuppressWarnings("unchecked")
        Map<String, Object> times =
            (Map<String, Object>)
                ((JavascriptExecutor) browser)
                    .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                            + "function step() {"
                            + "  const imgs = [...document.querySelectorAll('#gallery img')];"
                            + "  const waiting = imgs.find(i => !(i.complete && i.naturalWidth > 0));"
                            + "  if (waiting) { waiting.scrollIntoView(); setTimeout(step, 10); return; }"
                            + "  const nav = performance.getEntriesByType('navigation')[0];"
                            + "  const rendered = performance.getEntriesByName("
                            + "    'leukostream-case-rendered')[0];"
                            + "  done({firstByte: nav.responseStart, rendered: rendered.startTime,"
                            + "    allCrops: performance.now(), crops: imgs.length});"
                            + "}"
                            + "step();");
        assertThat(((Number) times.get("crops")).longValue())
            .isEqualTo(diagnosis.getCellsLabelled());
        screenshot(browser, "case-500.png");
        Files.writeString(
            Path.of("target", "review-page-load.txt"),
            String.format(
                java.util.Locale.ROOT,
                "review page, case of %d cells (%d crops), headless Chromium on this machine:%n"
                    + "first byte %.0f ms, case rendered %.0f ms, all crops shown %.0f ms%n",
                diagnosis.getCellsLabelled(),
                ((Number) times.get("crops")).longValue(),
                ((Number) times.get("firstByte")).doubleValue(),
                ((Number) times.get("rendered")).doubleValue(),
                ((Number) times.get("allCrops")).doubleValue()));
      } finally {
        browser.quit();
      }
    }
  }

  private static int count(WebDriver browser, String wbcClass) {
    List<WebElement> cells =
        browser.findElements(
            By.cssSelector("#differential tr[data-class='" + wbcClass + "'] td.count"));
    return cells.isEmpty() ? 0 : Integer.parseInt(cells.get(0).getText());
  }

  private static long revision(WebDriver browser) {
    List<WebElement> revision = browser.findElements(By.id("revision"));
    return revision.isEmpty() ? -1 : Long.parseLong(revision.get(0).getText());
  }

  private static boolean allCropsLoaded(WebDriver browser) {
    Object loaded =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const imgs = [...document.querySelectorAll('#gallery img')];"
                    + "const waiting = imgs.find(i => !(i.complete && i.naturalWidth > 0));"
                    + "if (waiting) { waiting.scrollIntoView(); return false; }"
                    + "window.scrollTo(0, 0); return imgs.length > 0;");
    return Boolean.TRUE.equals(loaded);
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    Files.write(
        SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /** Debian's headless Chromium and its driver (.ci/run installs both when missing). */
  static WebDriver chromium() {
    Path driver = Path.of(System.getProperty("leukostream.chromedriver", "/usr/bin/chromedriver"));
    Path binary = Path.of(System.getProperty("leukostream.chromium", "/usr/bin/chromium"));
    assertThat(driver)
        .as("chromedriver (Debian's chromium-driver; .ci/run installs it)")
        .isExecutable();
    assertThat(binary).as("chromium (Debian's chromium; .ci/run installs it)").isExecutable();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
    return new ChromeDriver(service, options);
  }
}
