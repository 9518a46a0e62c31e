package dev.tracing.storage.dynamodb;

import dev.tracing.model.AccessToken;
import dev.tracing.model.Scope;
import dev.tracing.storage.TokenStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Each token is two items: the authentication item keyed by the hash of the secret
 * ({@code TOKEN#<hash>}, one GetItem per validation), and a listing item in the project's token
 * collection ({@code P#<project>#TOKENS}, for list and revoke).
 *
 * <p>No transactions (local DynamoDB servers lack them), so the write order carries the safety:
 * create writes the listing first, so a token that works is always listed and revocable;
 * revoke marks the authentication item first, so a token reported revoked never works again.
 * Repeating an interrupted revoke completes it.
 */
public final class DynamoTokenStore implements TokenStore {
  private static final String AUTH_SK = "#T";
  private static final String ID = "id";
  private static final String PROJECT = "project";
  private static final String NAMESPACE = "ns";
  private static final String NAME = "name";
  private static final String SCOPES = "scopes";
  private static final String EXPIRES_ON = "expires_on";
  private static final String CREATED = "created";
  private static final String REVOKED = "revoked";
  private static final String HASH = "hash";

  private final DynamoDbClient client;
  private final String table;

  public DynamoTokenStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  @Override
  public void create(AccessToken token, String secretHash) {
    Map<String, AttributeValue> auth = attributes(token);
    auth.put(TableSchema.PK, AttributeValue.fromS(authPk(secretHash)));
    auth.put(TableSchema.SK, AttributeValue.fromS(AUTH_SK));
    Map<String, AttributeValue> listing = attributes(token);
    listing.put(TableSchema.PK, AttributeValue.fromS(listPk(token.projectId())));
    listing.put(TableSchema.SK, AttributeValue.fromS(token.id()));
    listing.put(HASH, AttributeValue.fromS(secretHash));
    for (Map<String, AttributeValue> item : List.of(listing, auth)) {
      DynamoErrors.call("a token write", () -> client.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", TableSchema.PK))));
    }
  }

  @Override
  public Optional<AccessToken> findByHash(String secretHash) {
    GetItemResponse r = DynamoErrors.call("a token lookup", () -> client.getItem(b -> b
        .tableName(table)
        .key(Map.of(TableSchema.PK, AttributeValue.fromS(authPk(secretHash)), TableSchema.SK, AttributeValue.fromS(AUTH_SK)))
        .consistentRead(true)));
    return r.hasItem() && !r.item().isEmpty() ? Optional.of(fromItem(r.item())) : Optional.empty();
  }

  @Override
  public List<AccessToken> list(long projectId) {
    List<AccessToken> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse page = DynamoErrors.call("a token listing", () -> client.query(b -> b
          .tableName(table)
          .keyConditionExpression("#pk = :pk")
          .expressionAttributeNames(Map.of("#pk", TableSchema.PK))
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(listPk(projectId))))
          .exclusiveStartKey(exclusiveStart)));
      page.items().forEach(item -> out.add(fromItem(item)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    out.sort(Comparator.comparing(AccessToken::createdAt).thenComparing(AccessToken::id));
    return out;
  }

  @Override
  public Optional<AccessToken> revoke(long projectId, String tokenId, Instant at) {
    GetItemResponse r = DynamoErrors.call("a token read", () -> client.getItem(b -> b
        .tableName(table)
        .key(Map.of(TableSchema.PK, AttributeValue.fromS(listPk(projectId)), TableSchema.SK, AttributeValue.fromS(tokenId)))
        .consistentRead(true)));
    if (!r.hasItem() || r.item().isEmpty()) {
      return Optional.empty();
    }
    AccessToken token = fromItem(r.item());
    if (token.isRevoked()) {
      return Optional.of(token);
    }
    String hash = r.item().get(HASH).s();
    Map<String, AttributeValue> values = Map.of(":at", AttributeValue.fromS(at.toString()));
    Map<String, String> names = Map.of("#r", REVOKED);
    List<Map<String, AttributeValue>> keys = List.of(
        Map.of(TableSchema.PK, AttributeValue.fromS(authPk(hash)), TableSchema.SK, AttributeValue.fromS(AUTH_SK)),
        Map.of(TableSchema.PK, AttributeValue.fromS(listPk(projectId)), TableSchema.SK, AttributeValue.fromS(tokenId)));
    for (Map<String, AttributeValue> key : keys) {
      DynamoErrors.call("a token revocation", () -> client.updateItem(b -> b.tableName(table).key(key)
          .updateExpression("SET #r = if_not_exists(#r, :at)")
          .expressionAttributeNames(names).expressionAttributeValues(values)));
    }
    return Optional.of(new AccessToken(token.id(), token.projectId(), token.namespaceId(), token.name(), token.scopes(),
        token.expiresOn(), token.createdAt(), at));
  }

  private static String authPk(String hash) {
    return "TOKEN#" + hash;
  }

  private static String listPk(long projectId) {
    return "P#" + projectId + "#TOKENS";
  }

  private static Map<String, AttributeValue> attributes(AccessToken t) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(ID, AttributeValue.fromS(t.id()));
    item.put(PROJECT, AttributeValue.fromN(Long.toString(t.projectId())));
    item.put(NAMESPACE, AttributeValue.fromN(Long.toString(t.namespaceId())));
    item.put(NAME, AttributeValue.fromS(t.name()));
    item.put(SCOPES, AttributeValue.fromSs(t.scopes().stream().map(Scope::wireName).sorted().toList()));
    if (t.expiresOn() != null) {
      item.put(EXPIRES_ON, AttributeValue.fromS(t.expiresOn().toString()));
    }
    item.put(CREATED, AttributeValue.fromS(t.createdAt().toString()));
    if (t.revokedAt() != null) {
      item.put(REVOKED, AttributeValue.fromS(t.revokedAt().toString()));
    }
    return item;
  }

  private static AccessToken fromItem(Map<String, AttributeValue> item) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : item.get(SCOPES).ss()) {
      Scope scope = Scope.fromWireName(s);
      if (scope != null) {
        scopes.add(scope);
      }
    }
    AttributeValue expires = item.get(EXPIRES_ON);
    AttributeValue revoked = item.get(REVOKED);
    return new AccessToken(item.get(ID).s(), Long.parseLong(item.get(PROJECT).n()), Long.parseLong(item.get(NAMESPACE).n()),
        item.get(NAME).s(), scopes, expires == null ? null : LocalDate.parse(expires.s()),
        Instant.parse(item.get(CREATED).s()), revoked == null ? null : Instant.parse(revoked.s()));
  }
}
