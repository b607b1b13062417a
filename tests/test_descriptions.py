"""Every part of the schema a client reads carries a description (clients and GraphiQL show them)."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    specified_scalar_types,
)

from schema.root import schema


def undescribed(graphql_schema: GraphQLSchema) -> list[str]:
    """Paths of the types, fields, arguments, input fields and enum values without a description."""
    missing: list[str] = []
    for name, kind in graphql_schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg_name})" for arg_name, arg in field.args.items() if not arg.description
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [f"{name}.{field_name}" for field_name, field in kind.fields.items() if not field.description]
        elif isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{value_name}" for value_name, value in kind.values.items() if not value.description]
    return missing


def test_every_schema_element_is_described() -> None:
    missing = undescribed(schema._schema)
    assert missing == [], f"{len(missing)} schema elements lack a description: {missing[:40]}"


def test_the_check_sees_a_missing_description() -> None:
    from graphql import build_schema

    bare = build_schema('"""Root."""\ntype Query { "Described." a(x: Int): Int, b: String }')
    assert undescribed(bare) == ["Query.a(x)", "Query.b"]
