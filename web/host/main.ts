import { BingoClient } from "../../shared/client";
void BingoClient;
