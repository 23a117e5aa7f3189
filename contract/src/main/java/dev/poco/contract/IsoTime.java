package dev.poco.contract;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an epoch-millis {@code long} that travels as an ISO-8601 string through {@link Records}, null for 0 (unset),
 * as {@link Jsons#time(long)} writes it; a number of millis is read too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@JacksonAnnotationsInside
@JsonSerialize(using = Records.IsoTimeWriter.class)
@JsonDeserialize(using = Records.IsoTimeReader.class)
public @interface IsoTime {}
