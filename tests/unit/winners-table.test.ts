import { csvText, winnerRows, winnersCsv } from "../../server/domain/winners-table";

test("every text cell is quoted with quotes doubled; a cell that a spreadsheet would run as a formula gets a leading apostrophe", () => {
  expect(csvText("Ana")).toBe('"Ana"');
  expect(csvText('say "hi", then, go')).toBe('"say ""hi"", then, go"');
  for (const lead of ["=", "+", "-", "@", "\t", "\r"]) expect(csvText(`${lead}1+1`)).toBe(`"'${lead}1+1"`);
  expect(csvText("a=b")).toBe('"a=b"');
});

test("rows follow the awards then the cards, with the ball number at the winning index; unnamed winners have an empty name", () => {
  const rows = winnerRows(
    [
      { pattern: "line", ballIndex: 1, prizeEach: 500, remainder: 1, winners: [{ playerId: "p1", cardId: 3, name: "Zoë" }, { playerId: "p2", cardId: 9 }] },
      { pattern: "full-house", ballIndex: 2, prizeEach: 5000, remainder: 0, winners: [{ playerId: "-p3", cardId: 4, name: "@x" }] },
    ],
    [17, 42, 5],
  );
  expect(winnersCsv(rows)).toBe(
    [
      "pattern,prize,name,player_id,card_id,ball_index,ball",
      '"line",500,"Zoë","p1",3,1,42',
      '"line",500,"","p2",9,1,42',
      `"full-house",5000,"'@x","'-p3",4,2,5`,
      "",
    ].join("\r\n"),
  );
});
